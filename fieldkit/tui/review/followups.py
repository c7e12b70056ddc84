"""Review mode's follow-ups: the open ones at central as a table, and a status event added to
the person selected (u), checked by central against the follow-up statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Select, Static

from fieldkit.central.followups import ENGAGEMENT, FollowUp
from fieldkit.codes import load_codes
from fieldkit.codes.followups import allowed_next, needs_partner, statuses
from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, both, label
from fieldkit.tui.as_written import row_as_written
from fieldkit.tui.dates import shown_day
from fieldkit.tui.keys import LANGUAGE, QUICK_EXIT
from fieldkit.tui.services import AppServices
from fieldkit.tui.translated import TranslatedBindings

#: Fixed widths: 120 columns show every one whole (the operations are named above the table).
COLUMNS = ((N_("person"), 10), (N_("venue"), 20), (N_("age band"), 8), (N_("route"), 15),
           (N_("agency"), 12), (N_("status"), 27), (N_("days"), 4))  # fmt: skip
PURPOSE = N_(
    "What became of each referral: people referred whose follow-up is open, and engagements "
    "asking for a visit again. Select a person and press u to add a status."
)

Choice = tuple[str, str | None]
"""(status, partner) chosen in the dialog."""


class FollowUpsScreen(TranslatedBindings, Screen[None]):
    """The open follow-ups at central; u adds a status event to the person selected."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("u", "update", N_("Add status")),
        Binding("r", "reload", N_("Reload")),
        Binding("escape", "back", N_("Back to Review")),
    ]

    def __init__(self, services: AppServices, now: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.services = services
        self.now = now
        self.shown: list[FollowUp] = []
        self.loads = 0  # reads of the follow-ups asked for so far

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="mode"):
            yield Static(_("Follow-ups"), classes="mode-title")
            yield Static(_(PURPOSE), classes="purpose", markup=False)
            yield Static("", id="followups-status", markup=False)
            yield DataTable(id="followups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.set_up()
        self.action_reload()

    def set_up(self) -> None:
        table = self.query_one("#followups", DataTable)
        for column, width in COLUMNS:
            table.add_column(_(column), width=width)

    async def relabel(self) -> None:
        """Drawn again in the language in use (the app's language key)."""
        self.refresh_bindings()
        await self.recompose()
        self.set_up()
        self.action_reload()

    def clock_now(self) -> datetime:
        """The moment days open are counted to: the app's clock, else now."""
        return self.now() if self.now else datetime.now().astimezone()

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.loads += 1
        self.load(self.loads)

    @work(thread=True, exclusive=True, group="followups")
    def load(self, number: int) -> None:
        """Read the open follow-ups; a read cancelled by a newer one may still finish (a thread
        cannot be stopped), so its rows carry its number and `_show` drops them if stale."""
        try:
            found = self.services.open_follow_ups(self.clock_now())
        except UserError as exc:
            self.app.call_from_thread(self._show, [], str(exc), number)
            return
        self.app.call_from_thread(self._show, found, "", number)

    def _show(self, found: list[FollowUp], error: str, number: int) -> None:
        """The rows, the cursor kept on the follow-up it was on (if it is still open); not the
        rows of a read older than the last asked for."""
        if number != self.loads:
            return
        before = self.selected.id if self.selected else None
        self.shown = found
        people = sum(1 for f in found if f.kind != ENGAGEMENT)
        ops = ", ".join(sorted({f.operation for f in found})) or _("none")
        self.query_one("#followups-status", Static).update(
            error
            or _(
                "{people} person(s) referred with a follow-up open, {engagements} "
                "engagement(s) asking for a visit again (operations: {ops}). Days open to "
                "{day}."
            ).format(
                people=people,
                engagements=len(found) - people,
                ops=ops,
                day=shown_day(self.clock_now(), "%a %d %b %Y", "EEE d MMM y"),
            )
        )
        table = self.query_one("#followups", DataTable)
        table.clear()
        table.add_rows(row_as_written(_row(f)) for f in found)
        ids = [f.id for f in found]
        if before in ids:
            table.move_cursor(row=ids.index(before))

    @property
    def selected(self) -> FollowUp | None:
        table = self.query_one("#followups", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def action_update(self) -> None:
        chosen = self.selected
        if chosen is None:
            self.notify(_("No follow-up selected"), severity="warning", markup=False)
            return
        if chosen.kind == ENGAGEMENT:
            self.notify(
                _("{id} asks for a visit again: it closes when its venue is visited").format(
                    id=chosen.id
                ),
                severity="warning",
                markup=False,
            )
            return

        def save(choice: Choice | None) -> None:
            if choice is not None:
                self.add_event(chosen, *choice)

        self.app.push_screen(StatusDialog(chosen), save)

    def add_event(self, chosen: FollowUp, status: str, partner: str | None) -> None:
        try:
            done = self.services.add_follow_up_event(chosen.id, status, partner, self.clock_now())
        except UserError as exc:
            self.notify(str(exc), title=_("Not added"), severity="error", markup=False)
            return
        self.notify(f"{done.id}: {done.status}", title=_("Status added"), markup=False)
        self.action_reload()


def _row(f: FollowUp) -> tuple[str, ...]:
    band = load_codes()["age_bands"].get(f.age_band or "")
    return (
        f.id,
        f.venue or "-",
        label(band) if band else "-",
        f.route or "-",
        f.agency or "-",
        f.status,
        str(f.days_open),
    )


class StatusDialog(TranslatedBindings, ModalScreen[Choice | None]):
    """The statuses that may follow the person's history, and the partner who helped."""

    DEFAULT_CSS = """
    StatusDialog {
        align: center middle;
    }

    #status-dialog {
        width: 72;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }

    #status-dialog Select {
        margin: 0 0 1 0;
    }

    #status-error {
        color: $error;
    }

    #status-buttons {
        height: auto;
        align-horizontal: right;
    }

    #status-buttons Button {
        margin: 0 0 0 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("escape", "cancel", N_("Cancel")),
        LANGUAGE,
    ]

    def __init__(self, follow_up: FollowUp) -> None:
        super().__init__()
        self.follow_up = follow_up

    def compose(self) -> ComposeResult:
        codes = statuses()
        allowed = allowed_next(self.follow_up.history)
        partners = load_codes().partners
        with Vertical(id="status-dialog"):
            yield Static(
                _("{id}: now {status}. Add a status:").format(
                    id=self.follow_up.id, status=label(codes[self.follow_up.status])
                ),
                markup=False,
            )
            yield Select(
                [(both(codes[s]), s) for s in allowed], prompt=_("Status"), id="status-choice"
            )
            yield Select(
                [(label(p), p.code) for p in partners],
                prompt=_("Partner who helped"),
                id="partner",
            )
            yield Static("", id="status-error", markup=False)
            with Horizontal(id="status-buttons"):
                yield Button(_("Add"), variant="primary", id="status-save")
                yield Button(_("Cancel"), id="status-cancel")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#status-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#status-save")
    def _save(self) -> None:
        status = self.query_one("#status-choice", Select).value
        partner = self.query_one("#partner", Select).value
        error = self.query_one("#status-error", Static)
        if not isinstance(status, str):
            error.update(_("Choose a status first."))
            return
        chosen_partner = partner if isinstance(partner, str) else None
        if needs_partner(status) and chosen_partner is None:
            error.update(_("This status names the partner who helped: choose one."))
            return
        self.dismiss((status, chosen_partner))
