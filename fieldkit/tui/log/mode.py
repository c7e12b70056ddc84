"""Log mode: today's visits, the recent engagements, and an engagement logged in a few keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from fieldkit.errors import UserError
from fieldkit.field.activity import WHAT, day_log, log_activity, visits_under_way
from fieldkit.field.aids import aids_of
from fieldkit.field.device import Device
from fieldkit.field.enroll import DEVICE_DIR
from fieldkit.field.order import order_line, risk_lines, visit_risk
from fieldkit.i18n import N_, _, language
from fieldkit.model import Engagement
from fieldkit.tui.aids.screen import AidsScreen
from fieldkit.tui.dates import FULL_TIME, shown_time
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.log.activity import DayLogScreen, HandoverNote
from fieldkit.tui.log.describe import pending_text, plain, venue_name
from fieldkit.tui.log.engagement_form import EngagementForm
from fieldkit.tui.log.gps_status import GpsStatus
from fieldkit.tui.log.tables import fill_assignments, fill_recent
from fieldkit.tui.screens.mode import MODE_CSS, ModeScreen
from fieldkit.tui.services import AppServices

DEVICE_FOLDER = DEVICE_DIR
"""The folder an enrolled device keeps its team's plan and its own store in (docs/device.md)."""

Clock = Callable[[], datetime]

DEVICE_ACTIONS = frozenset(
    {"log_engagement", "amend", "aids", "visit_started_or_ended", "handover", "day_log"}
)
"""The actions that need an enrolled, open device."""


class LogMode(ModeScreen):
    """The officer's mode: one engagement logged in seconds, even with no signal."""

    CSS_PATH = [MODE_CSS, "log.tcss"]
    SUB_TITLE = N_("Log")
    RELABELLED = True
    PURPOSE = N_(
        "Log each engagement in seconds: venue, people engaged (no names), signs of "
        "exploitation seen, and what was done (leaflet, helpline, NRM referral...)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("n", "log_engagement", N_("Log")),
        Binding("a", "amend", N_("Amend")),
        # One footer entry for the activity log's three keys (the hint line names each).
        Binding("s", "visit_started_or_ended", N_("Activity"), key_display="s/t/d"),
        Binding("t", "handover", N_("Handover note"), show=False),
        Binding("d", "day_log", N_("Day log"), show=False),
        Binding("l", "aids", N_("Leaflet")),
    ]
    FOOTER_LEAVES = frozenset({"h"})  # Home: in the help screen (80 columns, in Romanian)

    def __init__(self, services: AppServices, *, now: Clock | None = None) -> None:
        super().__init__(services)
        self.clock = now
        self.device: Device | None = None
        self.problem: str | None = None

    # -- the device --------------------------------------------------------------------

    def open_device(self) -> None:
        """Open the workspace's device once it is there; remember why not, in plain words."""
        if self.device is not None:
            return
        self.problem = None
        if not self.services.has_device():
            return
        try:
            self.device = self.services.open_device()
        except UserError as exc:
            where = str(self.workspace.root)
            self.problem = plain(str(exc)).replace(where, "this workspace")

    def moment(self) -> datetime:
        """Now, on the device's clock (or the one the app was given)."""
        assert self.device is not None
        now = self.clock() if self.clock is not None else self.device.now()
        if now.tzinfo is None:
            now = now.replace(tzinfo=self.device.zone)
        return now.astimezone(self.device.zone).replace(microsecond=0)

    def holdings(self) -> str:
        if not self.services.has_device():
            return _(
                "No device enrolled in this workspace.\n"
                "Enroll one from a loadout with: fieldkit device enroll LOADOUT"
            )
        return _(
            "This workspace has a {folder}/ folder, but it cannot be used as an "
            "enrolled device:\n{problem}"
        ).format(folder=DEVICE_FOLDER, problem=self.problem)

    # -- the screen --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.open_device()
        if self.device is None:
            yield from super().compose()
            return
        yield Header()
        with Horizontal(classes="log-status"):
            yield Static(id="who", classes="status", markup=False)
            yield Static(id="pending", classes="pending", markup=False)
        with Horizontal(classes="log-status log-order"):
            yield Static(id="order", classes="status", markup=False)
            yield GpsStatus(id="gps")
        with Vertical(classes="log"):
            yield Static(_("Today's visits"), classes="section-title")
            yield DataTable(id="assignments", cursor_type="row")
            yield Static(id="risk", classes="risk", markup=False)
            yield Static(_("Recent engagements (newest first)"), classes="section-title")
            yield DataTable(id="recent", cursor_type="row")
            yield Static(
                _(
                    "n: log an engagement (prefilled from the visit under way) · "
                    "a: amend the selected one · s: start/end the selected visit · "
                    "t: handover note · d: the day's log · l: leaflet and helplines"
                ),
                classes="hint",
            )
        yield Footer()

    def show_holdings(self) -> None:
        had_device = self.device is not None
        self.open_device()
        if self.device is None:
            super().show_holdings()
        elif had_device:
            self.show_device()
        else:  # enrolled since this screen was first shown
            self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        await self.recompose()
        self.show_device()

    def on_unmount(self) -> None:
        if self.device is not None:
            self.device.close()

    def show_device(self, select: str | None = None) -> None:
        """Re-read today's visits, the recent engagements and the outbox (all local, quick)."""
        device = self.device
        assert device is not None
        now = self.moment()
        loadout = device.loadout
        self.query_one("#who", Static).update(
            _("Team {team} · {officer} · device {device} · {now}").format(
                team=loadout.team, officer=device.officer, device=device.id, now=when(now)
            )
        )
        day = now.astimezone(device.zone).date()
        self.query_one("#order", Static).update(order_line(loadout, day))
        self.update_pending()
        fill_assignments(self.query_one("#assignments", DataTable), device, now)
        self.show_risk()
        fill_recent(self.query_one("#recent", DataTable), device, select=select)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "assignments":
            self.show_risk()

    def show_risk(self) -> None:
        """The risk controls of the visit selected in today's visits."""
        if self.device is None:
            return
        table = self.query_one("#assignments", DataTable)
        risk = self.query_one("#risk", Static)
        if table.row_count == 0:
            risk.update("")
            return
        visit = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if visit is None or self.device.loadout.assignment(visit) is None:
            risk.update("")  # "no visits today"
            return
        risk.update("\n".join(risk_lines(visit_risk(self.device.loadout, visit))))

    def update_pending(self) -> None:
        assert self.device is not None
        text = pending_text(self.device)
        counter = self.query_one("#pending", Static)
        counter.update(text)
        counter.set_class(not text.endswith(": 0"), "waiting")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in DEVICE_ACTIONS and self.device is None:
            return False
        return True

    # -- actions -----------------------------------------------------------------------

    def action_log_engagement(self) -> None:
        assert self.device is not None
        draft = self.device.prefill(self.moment())
        self.app.push_screen(EngagementForm(self.device, draft), self.saved)

    def action_aids(self) -> None:
        """The helplines and the leaflet full screen, in the language FIELDKIT_LANG says (e and
        r switch it there)."""
        assert self.device is not None
        self.app.push_screen(AidsScreen(aids_of(self.device.loadout), language()))

    def action_visit_started_or_ended(self) -> None:
        """The selected visit logged as started, or as ended when it is under way."""
        assert self.device is not None
        table = self.query_one("#assignments", DataTable)
        if not table.row_count:
            return
        visit = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if visit is None or self.device.loadout.assignment(visit) is None:
            self.notify(_("No visit selected."), title=_("Visit"), markup=False)
            return
        now = self.moment()
        started = visit in visits_under_way(self.device, now.date())
        activity = "visit_ended" if started else "visit_started"
        self._log_activity(activity, visit=visit)

    def action_handover(self) -> None:
        def saved(text: str | None) -> None:
            if text:
                self._log_activity("handover", notes=text)

        self.app.push_screen(HandoverNote(), saved)

    def action_day_log(self) -> None:
        assert self.device is not None
        self.app.push_screen(DayLogScreen(day_log(self.device, self.moment().date())))

    def _log_activity(self, activity: str, **given: str) -> None:
        assert self.device is not None
        try:
            rec = log_activity(self.device, activity, time=self.moment(), **given)
        except UserError as exc:
            self.notify(plain(str(exc)), title=_("Not saved"), severity="error", markup=False)
            return
        self.show_device()
        what = _(WHAT[activity]).capitalize()
        where = venue_name(self.device.loadout, rec.venue) if rec.venue else ""
        at = f"{what}: {where}" if where else what
        done = f"{at}, {rec.time[11:16]}. {pending_text(self.device)}."
        self.notify(done, title=_("Activity log"), markup=False)

    def action_amend(self) -> None:
        assert self.device is not None
        table = self.query_one("#recent", DataTable)
        if not table.row_count:
            self.notify(_("No engagement to amend yet."), title=_("Amend"), markup=False)
            return
        record_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert record_id is not None
        try:
            draft = self.device.draft_of(record_id)
        except UserError as exc:
            self.notify(plain(str(exc)), title=_("Cannot amend"), severity="error", markup=False)
            return
        self.app.push_screen(EngagementForm(self.device, draft, amending=True), self.saved)

    def saved(self, record: Engagement | None) -> None:
        if record is None:
            self.notify(_("Nothing saved."), title=_("Discarded"), timeout=3, markup=False)
            return
        self.show_device(select=record.id)
        what = _("Amendment saved") if record.amends else _("Engagement saved")
        assert self.device is not None
        message = _("{what} on this device. {pending}.").format(
            what=what, pending=pending_text(self.device)
        )
        self.notify(message, title=_("Saved"), markup=False)


def when(now: datetime) -> str:
    """The header's date and time: "Mon 25 Sep 2023 10:20", in the language in use."""
    return shown_time(now, *FULL_TIME)
