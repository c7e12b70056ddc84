"""Review mode: hotspot maps and summaries of operations (the review screens come here)."""

from __future__ import annotations

from fieldkit.tui.modes.base import ModeScreen, bullet_list


class ReviewMode(ModeScreen):
    """The commander's mode: where signs concentrated, coverage against the plan, referrals."""

    SUB_TITLE = "Review"
    PURPOSE = (
        "Review an operation during and after it: hotspot maps, what the patrols covered "
        "against the plan, and the referrals made."
    )

    def holdings(self) -> str:
        operations = []
        for op in self.workspace.operations():
            rendered = (self.workspace.maps / op).is_dir()
            operations.append(f"{op}   {'maps/' + op + '/' if rendered else 'no maps yet'}")
        return "Operations\n" + bullet_list(operations, "none planned yet")
