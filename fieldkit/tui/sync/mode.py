"""Sync mode: a device's outbox and "sync now"; central's devices, problems and conflicts."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from fieldkit.i18n import N_, _
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.screens.mode import MODE_CSS, ModeScreen
from fieldkit.tui.services import AppServices
from fieldkit.tui.sync.central_panel import CentralPanel
from fieldkit.tui.sync.device_panel import DevicePanel, Words

ROLES: dict[tuple[bool, bool], str] = {
    (True, False): N_("This workspace is an enrolled device; it is not central."),
    (False, True): N_("This workspace is central; no device is enrolled in it."),
    (True, True): N_("This workspace is both an enrolled device and central."),
    (False, False): N_("This workspace is neither an enrolled device nor central."),
}
"""What the workspace is, keyed by (is a device, is central)."""


class SyncMode(ModeScreen):
    """Moving records between devices and central, by network or by a bundle on a stick."""

    CSS_PATH = [MODE_CSS, "sync.tcss"]
    SUB_TITLE = N_("Sync")
    RELABELLED = True
    PURPOSE = N_(
        "Bring device logs into the central store and plan changes out to the devices: "
        "over HTTP when there is a connection, as bundle files carried by hand when not."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("s", "sync_now", N_("Sync now")),
    ]

    role: tuple[bool, bool] = (False, False)
    relabel_due = False
    """The language changed while a sync ran: the screen is drawn again once it has finished."""

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self.lines: dict[str, Words] = {}
        """What the device panel's phase and error lines say (kept across a redraw)."""

    def current_role(self) -> tuple[bool, bool]:
        """(is an enrolled device, is central), read from the workspace now."""
        return (self.services.has_device(), self.services.has_central())

    def compose(self) -> ComposeResult:
        self.role = is_device, is_central = self.current_role()
        yield Header()
        with VerticalScroll(classes="sync"):
            yield Static(_(self.SUB_TITLE or ""), classes="mode-title")
            yield Static(_(ROLES[self.role]), classes="role", markup=False)
            if is_device:
                yield DevicePanel(self.services, self.lines)
            if is_central:
                yield CentralPanel(self.services)
            if not (is_device or is_central):
                yield Static(_(self.PURPOSE), classes="purpose", markup=False)
                yield Static(self.holdings(), classes="holdings", markup=False)
        yield Footer()

    def holdings(self) -> str:
        return _(
            "Central store: sync/central.db does not exist yet.\n"
            "  On central, make it with: fieldkit central init\n"
            "Device: none enrolled here.\n"
            "  On a device, enrol one from a loadout with: fieldkit device enroll LOADOUT"
        )

    async def relabel(self) -> None:
        """Drawn again in the language in use; while a sync runs, once it has finished (its
        worker belongs to the panel drawn now)."""
        if any(device.running for device in self.query(DevicePanel)):
            self.relabel_due = True
            if self.SUB_TITLE:
                self.sub_title = _(self.SUB_TITLE)
            self.refresh_bindings()
            return
        self.relabel_due = False
        await super().relabel()

    async def on_device_panel_finished(self, _message: DevicePanel.Finished) -> None:
        if self.relabel_due:
            await self.relabel()

    def show_holdings(self) -> None:
        if self.current_role() != self.role:
            self.call_later(self.recompose)
            return
        for device in self.query(DevicePanel):
            if not device.running:
                device.refresh_facts()
        for central in self.query(CentralPanel):
            central.refresh_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sync_now":
            return bool(self.query(DevicePanel))
        return True

    def action_sync_now(self) -> None:
        """Sync the device now, in a worker (key s or the button)."""
        for device in self.query(DevicePanel):
            device.start_sync()
