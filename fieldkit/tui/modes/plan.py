"""Plan mode: from playbooks to a week plan (the planning screens come here)."""

from __future__ import annotations

from fieldkit.tui.modes.base import ModeScreen, bullet_list


class PlanMode(ModeScreen):
    """The patrol lead's mode: playbooks in, planned operations out."""

    SUB_TITLE = "Plan"
    PURPOSE = (
        "Turn a playbook into a week plan: which team visits which venue when, with the "
        "right skills and partners; adjust it; hand out briefings and device loadouts."
    )

    def holdings(self) -> str:
        playbooks = [p.name for p in self.workspace.playbook_files()]
        operations = [f"{op}   ops/{op}/plan.json" for op in self.workspace.operations()]
        return (
            "Playbooks (playbooks/)\n"
            + bullet_list(playbooks, "none: add a YAML playbook to playbooks/")
            + "\n\nPlanned operations (ops/)\n"
            + bullet_list(operations, "none yet: fieldkit plan playbooks/NAME.yaml")
        )
