"""Review mode: an operation's summary as tables, conflicts and problems, and the hotspot map."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, ProgressBar, Select, Static

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, language
from fieldkit.tui.as_written import as_written, row_as_written
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.review.device_review import PURPOSE as DEVICE_PURPOSE
from fieldkit.tui.review.device_review import DeviceReview
from fieldkit.tui.review.followups import FollowUpsScreen
from fieldkit.tui.review.summary_tables import TABLES, table_rows
from fieldkit.tui.screens.mode import ModeScreen, bullet_list
from fieldkit.tui.services import AppServices


class ReviewMode(ModeScreen):
    """The commander's mode: where signs concentrated, coverage against the plan, referrals."""

    SUB_TITLE = N_("Review")
    CSS_PATH = "review.tcss"
    RELABELLED = True
    PURPOSE = N_(
        "Review an operation during and after it: hotspot maps, what the patrols covered "
        "against the plan, and the referrals made."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("m", "render_map", N_("Render map")),
        Binding("f", "follow_ups", N_("Follow-ups")),
        Binding("r", "reload", N_("Reload")),
    ]

    def __init__(self, services: AppServices, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(services)
        self.now = now
        self.summary: dict[str, Any] | None = None
        self.map_path: Path | None = None
        self.device_shown = False

    @property
    def operation(self) -> str | None:
        ops = self.workspace.operations()
        if not ops:
            return None
        choice = self.query_one("#operation", Select).value if len(ops) > 1 else ops[0]
        return choice if isinstance(choice, str) else ops[0]

    @property
    def on_device(self) -> bool:
        return self.services.has_device()

    def compose(self) -> ComposeResult:
        self.device_shown = self.on_device
        if self.device_shown:
            yield Header()
            with VerticalScroll(classes="mode"):
                yield Static(_(self.SUB_TITLE), classes="mode-title")
                yield Static(_(DEVICE_PURPOSE), classes="purpose", markup=False)
                yield DeviceReview(self.services)
            yield Footer()
            return
        ops = self.workspace.operations()
        yield Header()
        with VerticalScroll(classes="mode"):
            yield Static(_(self.SUB_TITLE), classes="mode-title")
            yield Static(_(self.PURPOSE), classes="purpose", markup=False)
            yield Static(self.holdings(), classes="holdings", markup=False)
            if len(ops) > 1:
                yield Select([(as_written(op), op) for op in ops], value=ops[0], allow_blank=False,
                             id="operation")  # fmt: skip
            with Horizontal(id="map-row"):
                yield Button(_("Render map"), id="render-map", disabled=not ops)
                yield ProgressBar(total=4, show_eta=False, id="map-progress")
                yield Static("", id="map-status", markup=False)
            yield Static("", id="review-status", markup=False)
            for table_id, title, _columns in TABLES:
                yield Static(_(title), classes="table-title")
                yield DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("render_map", "follow_ups") and self.device_shown:
            return False  # maps and follow-ups are central's: the keys are not shown on a device
        return True

    def on_mount(self) -> None:
        self.set_up()

    def set_up(self) -> None:
        if self.device_shown:
            return
        for table_id, _title, columns in TABLES:
            table = self.query_one(f"#{table_id}", DataTable)
            for label, width in columns:
                table.add_column(_(label), width=width)

    def on_screen_resume(self) -> None:
        """Each time the mode is shown (the first time too): re-read the workspace."""
        if self.spoken != language():
            return  # ModeScreen's handler draws it again in the language in use
        if self.on_device != self.device_shown:
            self.call_later(self.rebuild)  # enrolled as a device since it was first shown
            return
        if self.device_shown:
            return  # ModeScreen's handler runs too: show_holdings reloads the device
        super().on_screen_resume()
        self.action_reload()

    async def rebuild(self) -> None:
        await self.recompose()
        self.set_up()
        self.show_holdings()
        self.action_reload()

    async def relabel(self) -> None:
        """Drawn again in the language in use, the operation chosen kept (the app's key)."""
        chosen = self.operation if not self.device_shown else None
        self.spoken = language()
        self.sub_title = _(self.SUB_TITLE)
        self.refresh_bindings()
        await self.recompose()
        self.set_up()
        if chosen is not None and len(self.workspace.operations()) > 1:
            self.query_one("#operation", Select).value = chosen
        self.show_holdings()
        self.action_reload()

    def show_holdings(self) -> None:
        if self.on_device != self.device_shown:
            return  # rebuilt first
        if self.device_shown:
            self.query_one(DeviceReview).reload()
            return
        super().show_holdings()

    def holdings(self) -> str:
        operations = []
        for op in self.workspace.operations():
            rendered = (self.workspace.maps / op).is_dir()
            where = "maps/" + op + "/" if rendered else _("no maps yet")
            operations.append(f"{op}   {where}")
        return _("Operations") + "\n" + bullet_list(operations, _("none planned yet"))

    # -- the summary -----------------------------------------------------------------

    def action_reload(self) -> None:
        if self.device_shown:
            self.query_one(DeviceReview).reload()
            return
        op = self.operation
        if op is None:
            self.query_one("#review-status", Static).update(
                _("No planned operation: plan one with fieldkit plan playbooks/NAME.yaml")
            )
            return
        self.query_one("#review-status", Static).update(_("Reading {op}...").format(op=op))
        self.load_summary(op)

    @on(Select.Changed, "#operation")
    def _operation_changed(self) -> None:
        self.action_reload()

    @work(thread=True, exclusive=True, group="summary")
    def load_summary(self, op: str) -> None:
        try:
            summary = self.services.operation_summary(op)
        except UserError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show_summary, summary)

    def _show_error(self, message: str) -> None:
        self.summary = None
        self.query_one("#review-status", Static).update(message)
        for table_id, _title, _columns in TABLES:
            self.query_one(f"#{table_id}", DataTable).clear()

    def _show_summary(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        op = summary["operation"]
        note = " · " + _("no engagements recorded yet") if summary["empty"] else ""
        if not summary["data_quality"]["central"]:
            note += " · " + _("no central store (sync/central.db) yet")
        self.query_one("#review-status", Static).update(
            _("{name} ({id}), {start} to {end} · data as of {as_of}{note}").format(
                name=op["name"],
                id=op["id"],
                start=op["start"],
                end=op["end"],
                as_of=summary["as_of"],
                note=note,
            )
        )
        for table_id, rows in table_rows(summary).items():
            table = self.query_one(f"#{table_id}", DataTable)
            table.clear()
            table.add_rows(row_as_written(row) for row in rows)

    # -- follow-ups ------------------------------------------------------------------

    def action_follow_ups(self) -> None:
        if not self.services.has_central():
            self.notify(_("No central store here (sync/central.db)"), severity="warning",
                        markup=False)  # fmt: skip
            return
        self.app.push_screen(FollowUpsScreen(self.services, self.now))

    # -- the map ---------------------------------------------------------------------

    @on(Button.Pressed, "#render-map")
    def _render_pressed(self) -> None:
        self.action_render_map()

    def action_render_map(self) -> None:
        op = self.operation
        if op is None:
            self.notify(_("No operation to map"), severity="warning", markup=False)
            return
        self.query_one("#map-progress", ProgressBar).update(progress=0)
        self.query_one("#render-map", Button).disabled = True
        self.query_one("#map-status", Static).update(_("rendering..."))
        self.render_map(op)

    @work(thread=True, exclusive=True, group="map")
    def render_map(self, op: str) -> None:
        def step(_name: str) -> None:
            self.app.call_from_thread(self.query_one("#map-progress", ProgressBar).advance, 1)

        try:
            paths = self.services.render_map(op, step)
        except UserError as exc:
            self.app.call_from_thread(self._map_done, None, str(exc))
            return
        self.app.call_from_thread(self._map_done, paths[0], "")

    def _map_done(self, path: Path | None, error: str) -> None:
        self.query_one("#render-map", Button).disabled = False
        status = self.query_one("#map-status", Static)
        if path is None:
            status.update(_("failed"))
            self.notify(error, title=_("Map not rendered"), severity="error", markup=False)
            return
        self.map_path = path
        status.update(path.name)
        self.query_one(".holdings", Static).update(self.holdings())
        self.app.open_url(path.resolve().as_uri())
