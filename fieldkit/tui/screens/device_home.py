"""Home on a field device: which device and team, its records waiting to sync, the keys to use."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _
from fieldkit.tui.services import AppServices

KEYS = (
    ("2", N_("Log"), N_("log an engagement (n) or amend one (a); works with no signal")),
    ("3", N_("Sync"), N_("send the records to central and get plan changes (or carry a bundle)")),
    ("4", N_("Review"), N_("this device's own records and their chain")),
    ("F12", N_("Quick exit"),
     N_("a neutral page at once; type resume in its search box to return")),
)  # fmt: skip


def keys_text() -> str:
    """The keys an officer uses first, in the language in use (names padded to one column)."""
    rows = [(key, _(name), _(what)) for key, name, what in KEYS]
    width = max(12, *(len(name) + 2 for _key, name, _does in rows))
    return "\n".join(f"{key:>3}  {name:<{width}}{does}" for key, name, does in rows)


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
        yield Static(_("This device"), classes="section-title")
        yield Static(id="device-who", markup=False)
        yield Static(id="device-records", markup=False)
        yield Static(_("What you can do here"), classes="section-title")
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
            where = _("this workspace")
            who.update(
                _(
                    "This workspace has a device/ folder, but it cannot be used as an enrolled "
                    "device:\n{problem}"
                ).format(problem=message.replace(str(self.services.root), where))
            )
            records.update("")
            return
        who.update(
            _(
                "Device {device} · officer {officer}\n"
                "Team {team}: {team_name}\n"
                "Operation {operation}: {operation_name}"
            ).format(
                device=facts.device,
                officer=facts.officer,
                team=facts.team,
                team_name=facts.team_name,
                operation=facts.operation,
                operation_name=facts.operation_name,
            )
        )
        records.update(facts.records_line())
