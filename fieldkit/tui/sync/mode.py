"""Sync mode: a device's outbox and "sync now"; central's devices, problems and conflicts."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.screens.mode import MODE_CSS, ModeScreen
from fieldkit.tui.sync.central_panel import CentralPanel
from fieldkit.tui.sync.device_panel import DevicePanel

ROLES: dict[tuple[bool, bool], str] = {
    (True, False): "This workspace is an enrolled device; it is not central.",
    (False, True): "This workspace is central; no device is enrolled in it.",
    (True, True): "This workspace is both an enrolled device and central.",
    (False, False): "This workspace is neither an enrolled device nor central.",
}
"""What the workspace is, keyed by (is a device, is central)."""


class SyncMode(ModeScreen):
    """Moving records between devices and central, by network or by a bundle on a stick."""

    CSS_PATH = [MODE_CSS, "sync.tcss"]
    SUB_TITLE = "Sync"
    PURPOSE = (
        "Bring device logs into the central store and plan changes out to the devices: "
        "over HTTP when there is a connection, as bundle files carried by hand when not."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("s", "sync_now", "Sync now"),
    ]

    role: tuple[bool, bool] = (False, False)

    def current_role(self) -> tuple[bool, bool]:
        """(is an enrolled device, is central), read from the workspace now."""
        return (self.services.has_device(), self.services.has_central())

    def compose(self) -> ComposeResult:
        self.role = is_device, is_central = self.current_role()
        yield Header()
        with VerticalScroll(classes="sync"):
            yield Static(self.SUB_TITLE or "", classes="mode-title")
            yield Static(ROLES[self.role], classes="role", markup=False)
            if is_device:
                yield DevicePanel(self.services)
            if is_central:
                yield CentralPanel(self.services)
            if not (is_device or is_central):
                yield Static(self.PURPOSE, classes="purpose", markup=False)
                yield Static(self.holdings(), classes="holdings", markup=False)
        yield Footer()

    def holdings(self) -> str:
        return (
            "Central store: sync/central.db does not exist yet.\n"
            "  On central, make it with: fieldkit central init\n"
            "Device: none enrolled here.\n"
            "  On a device, enrol one from a loadout with: fieldkit device enroll LOADOUT"
        )

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
