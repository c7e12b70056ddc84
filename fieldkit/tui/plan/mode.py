"""Plan mode: solve a playbook (or open a plan), see the week, lock, move, re-solve, export."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _
from fieldkit.plan.locks import Lock
from fieldkit.plan.progress import SolveProgress, StopSwitch
from fieldkit.plan.service import PlanSession, PlanStart
from fieldkit.plan.split import DayMemo
from fieldkit.tui.as_written import as_written
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.plan import details
from fieldkit.tui.plan.editing import PlanEditing
from fieldkit.tui.plan.grid import WeekGrid, legend
from fieldkit.tui.plan.notes import GIVEN, PICK
from fieldkit.tui.services import AppServices

PLAYBOOK, OPERATION = "playbook:", "op:"


class Progressed(Message):
    """The search found a better plan (posted from the solver's thread)."""

    def __init__(self, progress: SolveProgress) -> None:
        super().__init__()
        self.progress = progress


#: Actions that need a plan on screen and no solve running.
NEEDS_PLAN = frozenset({"lock", "move", "resolve", "export"})

#: What the note says when a plan is shown, by how it came (solved, stopped early, opened).
LOADED = {
    "solved": N_("Solved {source}.{warnings}"),
    "stopped early": N_("Stopped early {source}.{warnings}"),
    "opened": N_("Opened {source}.{warnings}"),
}


class PlanMode(PlanEditing):
    """The patrol lead's mode: playbooks in, planned operations out."""

    SUB_TITLE = N_("Plan")
    CSS_PATH = "plan.tcss"
    RELABELLED = True
    PURPOSE = N_(
        "Turn a playbook into a week plan: which team visits which venue when, with the "
        "right skills and partners; adjust it; hand out briefings and device loadouts."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("o", "pick_source", N_("Open")),
        Binding("l", "lock", N_("Lock")),
        Binding("m", "move", N_("Move")),
        Binding("r", "resolve", N_("Solve")),
        Binding("e", "export", N_("Export")),
        Binding("s", "stop", N_("Stop, keep best")),
    ]
    FOOTER_LEAVES = frozenset({"h"})  # Home: in the help screen (80 columns, in Romanian)
    TIME_LIMIT: ClassVar[float] = 10.0
    SEED: ClassVar[int] = 0

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self.session: PlanSession | None = None
        self.solving = False
        #: Pressed by `s` while a solve runs: it stops with the best plan found so far.
        self.stop: StopSwitch | None = None
        #: The days proven optimal by earlier solves: a re-solve takes them as they are.
        self.memo = DayMemo()
        self.time_limit = self.TIME_LIMIT
        self.seed = self.SEED
        self.note: tuple[str, dict[str, object]] = (PICK, {})
        """The note under the status: its English and its fields (drawn again on F2)."""

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="plan-mode"):
            with Horizontal(id="plan-head"):
                yield OptionList(id="sources")
                with Vertical(id="plan-state"):
                    yield Static(_(self.PURPOSE), id="plan-status", markup=False)
                    yield ProgressBar(total=1, show_eta=False, id="solve-progress")
                    yield Static(self.note_text(), id="solve-note", markup=False)
            yield WeekGrid(id="week")
            yield Static("", id="legend")
            with Horizontal(id="plan-foot"):
                with VerticalScroll(id="details-box"):
                    yield Static("", id="details", markup=False)
                with VerticalScroll(id="unassigned-box"):
                    yield Static("", id="unassigned", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.titles()

    def titles(self) -> None:
        self.query_one("#details-box").border_title = _("Assignment")
        self.query_one("#unassigned-box").border_title = _("Not planned")

    async def relabel(self) -> None:
        """Drawn again in the language in use; the plan on screen, the cursor and a solve
        under way stay."""
        where = self.query_one(WeekGrid).cursor_coordinate
        await super().relabel()
        self.titles()
        if self.solving:
            self.query_one("#solve-progress", ProgressBar).update(total=self.time_limit)
        if self.session is not None:
            self.show_plan()
            grid = self.query_one(WeekGrid)
            grid.move_cursor(row=where.row, column=where.column, animate=False)
            if not self.solving:
                grid.focus()

    def holdings(self) -> str:
        playbooks = [p.name for p in self.workspace.playbook_files()]
        return "\n".join(playbooks)

    def show_holdings(self) -> None:
        """Each time the mode is shown: the workspace's playbooks and planned operations."""
        sources = self.query_one("#sources", OptionList)
        keep = sources.highlighted
        sources.clear_options()
        ws = self.workspace
        options = [
            Option(as_written(f"playbooks/{p.name}"), id=PLAYBOOK + p.name)
            for p in ws.playbook_files()
        ]
        options += [
            Option(as_written(f"ops/{op}/plan.json"), id=OPERATION + op) for op in ws.operations()
        ]
        sources.add_options(options)
        if options:
            sources.highlighted = keep if keep is not None and keep < len(options) else 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_PLAN and self.solving:
            return False  # off the footer: "s Stop, keep best" takes their room
        if action in NEEDS_PLAN and self.session is None:
            return None
        if action == "stop":  # shown only while a solve runs
            return self.stop is not None
        return True

    # -- picking and solving -----------------------------------------------------------

    def action_pick_source(self) -> None:
        self.query_one("#sources", OptionList).focus()

    @on(OptionList.OptionSelected, "#sources")
    def _source_chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if self.solving:
            self.say(N_("A solve is running; wait for it to finish."), toast=True)
            return
        if choice.startswith(PLAYBOOK):
            path = self.workspace.playbooks / choice.removeprefix(PLAYBOOK)
            self.start_solve(path, None, None)
        elif choice.startswith(OPERATION):
            self.set_busy(N_("Opening ops/{op}/plan.json..."), op=choice.removeprefix(OPERATION))
            self.run_open(choice.removeprefix(OPERATION))

    def set_busy(self, note: str, **fields: object) -> None:
        self.solving = True
        self.refresh_bindings()
        self.put_note(note, fields)

    def start_solve(
        self,
        path: Path,
        locks: list[Lock] | None,
        op: str | None,
        hint: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        shown = f"playbooks/{path.name}" if path.parent == self.workspace.playbooks else path.name
        bar = self.query_one("#solve-progress", ProgressBar)
        bar.update(total=self.time_limit, progress=0)
        solving = (
            N_(
                "Solving {playbook} (up to {seconds} s, seed {seed}, keeping {locked} locked); "
                "s stops and keeps the best plan so far..."
            )
            if locks
            else N_(
                "Solving {playbook} (up to {seconds} s, seed {seed}); "
                "s stops and keeps the best plan so far..."
            )
        )
        self.stop = StopSwitch()
        self.set_busy(
            solving,
            playbook=shown,
            seconds=f"{self.time_limit:g}",
            seed=self.seed,
            locked=len(locks or ()),
        )
        self.run_solve(path, locks, op, PlanStart(hint, self.stop, self.memo))

    @work(thread=True, exclusive=True, group="plan")
    def run_solve(
        self, path: Path, locks: list[Lock] | None, op: str | None, start: PlanStart
    ) -> None:
        def progress(p: SolveProgress) -> None:
            # posted, not awaited: the search never waits for the screen to redraw
            self.post_message(Progressed(p))

        try:
            session = self.services.solve_plan(
                path,
                op=op,
                locks=locks,
                time_limit=self.time_limit,
                seed=self.seed,
                progress=progress,
                start=start,
            )
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        stopped = start.stop is not None and start.stop.stopped
        self.app.call_from_thread(self._loaded, session, "stopped early" if stopped else "solved")

    def action_stop(self) -> None:
        """Stop the solve running; it keeps the best plan found so far."""
        if self.stop is None or self.stop.stopped:
            return
        self.stop.press()
        self.say(N_("Stopping: keeping the best plan found so far..."))

    @work(thread=True, exclusive=True, group="plan")
    def run_open(self, op: str) -> None:
        try:
            session = self.services.open_plan(op)
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, session, "opened")

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        if self.solving:  # a late word from a search already done is dropped
            self._progress(event.progress)

    def _progress(self, p: SolveProgress) -> None:
        bar = self.query_one("#solve-progress", ProgressBar)
        bar.update(progress=min(p.seconds, bar.total or p.seconds))
        if p.bound <= 0:  # a large operation's bound, worked out beside the plan, not yet known
            self.say(
                N_(
                    "plan {solutions}: objective {objective}, bound still being worked out; "
                    "s stops and keeps this plan"
                ),
                solutions=p.solutions,
                objective=f"{p.objective:,.0f}",
            )
            return
        gap = (p.bound - p.objective) / p.bound
        self.say(
            N_(
                "plan {solutions}: objective {objective}, bound {bound} (gap {gap}); "
                "s stops and keeps this plan"
            ),
            solutions=p.solutions,
            objective=f"{p.objective:,.0f}",
            bound=f"{p.bound:,.0f}",
            gap=f"{gap:.2%}",
        )

    def _failed(self, message: str) -> None:
        self.solving = False
        self.stop = None
        self.refresh_bindings()
        self.query_one("#solve-progress", ProgressBar).update(total=1, progress=0)
        self.say(GIVEN, severity="error", toast=True, message=message)

    def _loaded(self, session: PlanSession, how: str) -> None:
        self.solving = False
        self.stop = None
        bar = self.query_one("#solve-progress", ProgressBar)
        bar.update(progress=bar.total or 1)
        keep = self.query_one(WeekGrid).current_visit if self.session else None
        if keep is None and session.plan.assignments:
            keep = session.plan.assignments[0].visit
        self.session = session
        self.show_plan(keep)
        note = LOADED.get(how, LOADED["opened"])
        warnings = "".join(" " + w for w in session.warnings)
        self.say(note, source=session.source, warnings=warnings)
        self.refresh_bindings()
        self.query_one(WeekGrid).focus()

    # -- showing the plan --------------------------------------------------------------

    def show_plan(self, keep: str | None = None) -> None:
        assert self.session is not None
        plan = self.session.plan
        self.query_one("#plan-status", Static).update(
            details.summary(plan, self.session.source, self.session.op)
        )
        grid = self.query_one(WeekGrid)
        grid.show(plan, keep)
        self.query_one("#legend", Static).update(legend(plan))
        box = self.query_one("#unassigned-box")
        box.border_title = _("Not planned ({count})").format(count=len(plan.unassigned))
        self.query_one("#unassigned", Static).update(details.unassigned_text(plan))
        self.show_details()

    def show_details(self) -> None:
        if self.session is None:
            return
        grid = self.query_one(WeekGrid)
        plan = self.session.plan
        visit = grid.current_visit
        if visit is not None:
            text = details.assignment_details(plan, visit)
        elif grid.row_count:
            text = details.empty_cell(plan, *grid.place_at(grid.cursor_coordinate))
        else:
            text = _("Nothing planned.")
        self.query_one("#details", Static).update(text)

    @on(DataTable.CellHighlighted, "#week")
    @on(DataTable.CellSelected, "#week")
    def _cell_changed(self) -> None:
        self.show_details()
