"""Plan mode's edits of the plan on screen: lock, move to a team, re-solve, export."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fieldkit.errors import UserError
from fieldkit.i18n import N_
from fieldkit.plan.service import PlanSession
from fieldkit.plan.session import locks_of, move, toggle_lock
from fieldkit.tui.plan import details
from fieldkit.tui.plan.grid import WeekGrid
from fieldkit.tui.plan.notes import GIVEN, NotedScreen
from fieldkit.tui.plan.picker import TeamPicker


class PlanEditing(NotedScreen):
    """The keys that change the plan on screen (PlanMode solves and shows it)."""

    session: PlanSession | None = None

    if TYPE_CHECKING:  # PlanMode's own: it solves the plan (start_solve) and shows it
        start_solve: Callable[..., None]
        show_plan: Callable[..., None]

    def _selected(self, doing: str) -> str | None:
        """The visit under the cursor; `doing` (marked N_) says what a missing one was for."""
        visit = self.query_one(WeekGrid).current_visit
        if visit is None:
            self.say(doing, toast=True)
        return visit

    def action_lock(self) -> None:
        if (
            self.session is None
            or (visit := self._selected(N_("Put the cursor on an assignment to lock it."))) is None
        ):
            return
        self.session.plan = toggle_lock(self.session.plan, visit)
        locked = any(a.locked for a in self.session.plan.assignments if a.visit == visit)
        self.show_plan(visit)
        done = N_("{visit} locked: a re-solve keeps it.") if locked else N_("{visit} unlocked.")
        self.say(done, visit=visit)

    def action_move(self) -> None:
        if (
            self.session is None
            or (visit := self._selected(N_("Put the cursor on an assignment to move it."))) is None
        ):
            return
        plan = self.session.plan
        current = next(a.team for a in plan.assignments if a.visit == visit)
        choices = details.team_choices(plan, current)

        def picked(team: str | None) -> None:
            if team is not None:
                self.move_to(visit, team)

        self.app.push_screen(TeamPicker(visit, choices), picked)

    def move_to(self, visit: str, team: str) -> None:
        """Move a visit to a team, or refuse it naming the broken rules."""
        assert self.session is not None
        moved, broken = move(self.session.plan, visit, team)
        if moved is None:
            self.say(
                N_("Cannot move to {team}: {broken}"),
                severity="error",
                toast=True,
                team=team,
                broken="; ".join(broken),
            )
            return
        self.session.plan = moved
        self.show_plan(visit)
        self.say(
            N_("{visit} moved to {team} and locked (l unlocks; r re-solves the rest)."),
            visit=visit,
            team=team,
        )

    def action_resolve(self) -> None:
        if self.session is None:
            return
        plan = self.session.plan
        hint = {a.visit: (a.team, a.start) for a in plan.assignments}
        self.start_solve(self.session.playbook_file, locks_of(plan), self.session.op, hint)

    def action_export(self) -> None:
        if self.session is None:
            return
        try:
            folder, files = self.services.export_plan(self.session)
        except UserError as exc:
            self.say(GIVEN, severity="error", toast=True, message=str(exc))
            return
        self.say(
            N_("Written {folder}/ ({count} files: plan.json, briefings, teams/, loadouts/)"),
            toast=True,
            folder=folder,
            count=len(files),
        )
        self.show_holdings()
