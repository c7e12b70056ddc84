"""Home on a field device: which device and team, its records waiting to sync, the keys to use."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from fieldkit.errors import UserError
from fieldkit.tui.services import AppServices

KEYS = (
    ("2", "Log", "log an engagement (n) or amend one (a); works with no signal"),
    ("3", "Sync", "send the records to central and get plan changes (or carry a bundle)"),
    ("4", "Review", "this device's own records and their chain"),
    ("F12", "Quick exit", "a neutral page at once; type resume in its search box to return"),
)


def keys_text() -> str:
    return "\n".join(f"{key:>3}  {name:<12}{what}" for key, name, what in KEYS)


class DeviceHome(Vertical):
    """What an officer needs first: this device, its team, what waits to sync, where to go."""

    DEFAULT_CSS = """
    DeviceHome { height: auto; }
    DeviceHome #device-keys { margin: 1 0 0 0; }
    """

    def __init__(self, services: AppServices) -> None:
        super().__init__(id="device-home")
        self.services = services

    def compose(self) -> ComposeResult:
        yield Static("This device", classes="section-title")
        yield Static(id="device-who", markup=False)
        yield Static(id="device-records", markup=False)
        yield Static("What you can do here", classes="section-title")
        yield Static(keys_text(), id="device-keys", markup=False)

    def on_mount(self) -> None:
        self.refresh_facts()

    def refresh_facts(self) -> None:
        """Re-read the device (local and quick)."""
        who = self.query_one("#device-who", Static)
        records = self.query_one("#device-records", Static)
        try:
            facts = self.services.device_overview()
        except UserError as exc:
            message = "\n".join(line.removeprefix("fieldkit: ") for line in str(exc).splitlines())
            who.update(
                "This workspace has a device/ folder, but it cannot be used as an enrolled "
                f"device:\n{message.replace(str(self.services.root), 'this workspace')}"
            )
            records.update("")
            return
        who.update(
            f"Device {facts.device} · officer {facts.officer}\n"
            f"Team {facts.team}: {facts.team_name}\n"
            f"Operation {facts.operation}: {facts.operation_name}"
        )
        records.update(facts.records_line())
