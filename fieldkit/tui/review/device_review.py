"""Review on a field device: what a device can review (its own records and their chain)."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, ngettext
from fieldkit.tui.services import AppServices

PURPOSE = N_(
    "A field device reviews its own records: what it holds, what waits to sync, and whether "
    "its chain of signed records is intact. Hotspot maps and the operation's summary are made "
    "on central from every device's records once they have synced."
)

COMMANDS = N_(
    "On the command line: fieldkit log list shows this device's engagements with their sync "
    "state; fieldkit log verify checks the chain and every signature."
)


def plain(message: str, root: Path) -> str:
    text = "\n".join(line.removeprefix("fieldkit: ") for line in message.splitlines())
    return text.replace(str(root), _("this workspace"))


class DeviceReview(Vertical):
    """The device's records and a verification of its chain (in a worker: it reads them all)."""

    DEFAULT_CSS = """
    DeviceReview { height: auto; }
    DeviceReview Static { margin: 0 0 1 0; }
    """

    def __init__(self, services: AppServices) -> None:
        super().__init__(id="device-review")
        self.services = services
        self.root = services.root

    def compose(self) -> ComposeResult:
        yield Static(id="device-records", markup=False)
        yield Static(_("Checking the chain…"), id="device-chain", markup=False)
        yield Static(_(COMMANDS), classes="hint", markup=False)

    def reload(self) -> None:
        try:
            facts = self.services.device_overview()
        except UserError as exc:
            self.query_one("#device-records", Static).update(plain(str(exc), self.root))
            self.query_one("#device-chain", Static).update("")
            return
        self.query_one("#device-records", Static).update(
            _("Device {device} (team {team}): {records}.").format(
                device=facts.device, team=facts.team, records=facts.records_line()
            )
        )
        self.query_one("#device-chain", Static).update(_("Checking the chain…"))
        self.verify()

    @work(thread=True, exclusive=True, group="device-verify")
    def verify(self) -> None:
        try:
            with self.services.open_device() as dev:
                report = dev.verify()
        except UserError as exc:
            self.app.call_from_thread(self._show, plain(str(exc), self.root))
            return
        if report.ok:
            text = ngettext(
                "Chain: {count} record(s), chain and signatures intact.",
                "Chain: {count} record(s), chain and signatures intact.",
                report.checked,
            ).format(count=report.checked)
        else:
            lines = [f"  {item}" for item in report.breaks[:10]]
            text = (
                _(
                    "Chain: {problems} problem(s) in {count} record(s): the log has been "
                    "tampered with or damaged."
                ).format(problems=len(report.breaks), count=report.checked)
                + "\n"
                + "\n".join(lines)
            )
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self.query_one("#device-chain", Static).update(text)
