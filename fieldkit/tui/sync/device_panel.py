"""The device's side of Sync mode: its outbox per state, its central, and "sync now"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ProgressBar, Static

from fieldkit.errors import UserError
from fieldkit.tui.services import AppServices
from fieldkit.tui.sync.words import counts_line, moment, plain_error, plural, push_line

if TYPE_CHECKING:
    from fieldkit.sync.client import SyncReport


class DevicePanel(Vertical):
    """Last sync, records per state, the central address; syncs in a worker, never in the UI."""

    def __init__(self, services: AppServices) -> None:
        super().__init__(classes="device-panel")
        self.services = services
        self.root = services.root
        self.running = False
        self.push_total = 0
        self.facts: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static("This device", classes="section-title")
        yield Static(id="device-facts", markup=False)
        yield Static(id="device-counts", classes="counts", markup=False)
        with Horizontal(classes="sync-row"):
            yield Button("Sync now (s)", id="sync-now", variant="primary")
            yield ProgressBar(id="sync-progress", show_eta=False)
        yield Static(id="sync-phase", markup=False)
        yield Static(id="sync-error", classes="sync-error", markup=False)
        yield Static(
            "No connection? Carry the records on a stick: fieldkit sync --export-bundle FILE",
            classes="hint",
            markup=False,
        )

    def on_mount(self) -> None:
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_facts(show_last_error=True)

    # -- what the device holds -------------------------------------------------------

    def refresh_facts(self, show_last_error: bool = False) -> None:
        """Re-read the device's sync state (local and quick)."""
        try:
            self.facts = self.services.device_sync_state()
        except UserError as exc:
            self.facts = None
            self.query_one("#device-facts", Static).update(
                "This workspace has a device/ folder, but it cannot be used as an enrolled "
                f"device:\n{plain_error(str(exc), self.root)}"
            )
            self.query_one("#device-counts", Static).update("")
            self.query_one("#sync-now", Button).disabled = True
            return
        facts = self.facts
        central = facts["central"] or (
            "not set - this device has no central credential yet; give it the file central "
            "issues: fieldkit device credential FILE"
            if not facts["enrolled_with_central"]
            else "not set - give the address with: fieldkit sync --server URL"
        )
        self.query_one("#device-facts", Static).update(
            f"Device {facts['device']}\nCentral: {central}\nLast sync: {moment(facts['last_sync'])}"
        )
        self.query_one("#device-counts", Static).update(f"Records  {counts_line(facts['counts'])}")
        self.query_one("#sync-now", Button).disabled = self.running
        if show_last_error and facts["last_error"]:
            self.show_error(f"The last sync did not finish: {facts['last_error']}.")

    def waiting(self) -> int:
        counts = (self.facts or {}).get("counts") or {}
        return int(counts.get("pending", 0)) + int(counts.get("sent", 0))

    # -- sync now --------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sync-now":
            event.stop()
            self.start_sync()

    def start_sync(self) -> None:
        """Start a sync unless one is running or the device cannot be used."""
        if self.running or self.facts is None:
            return
        self.running = True
        self.push_total = 0
        self.query_one("#sync-now", Button).disabled = True
        self.show_error("")
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#sync-phase", Static).update("Connecting to central…")
        self.run_sync()

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self) -> None:
        """The whole sync, off the UI thread; the screen hears of it through call_from_thread."""
        report: SyncReport | None = None
        error: str | None = None
        try:
            report = self.services.sync_device(self.progress_from_thread)
        except UserError as exc:
            error = plain_error(str(exc), self.root)
        except Exception as exc:  # a bug: say so, the records stay in the device's store
            error = (
                f"The sync stopped on an unexpected error ({type(exc).__name__}: {exc}). "
                "Your records are safe on this device."
            )
        self.app.call_from_thread(self.finished, report, error)

    def progress_from_thread(self, phase: str, done: int, total: int) -> None:
        self.app.call_from_thread(self.show_progress, phase, done, total)

    def show_progress(self, phase: str, done: int, total: int) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        label = self.query_one("#sync-phase", Static)
        if phase == "push":
            self.push_total = total
            bar.update(total=total + 1, progress=done)
            label.update(push_line(done, total))
        else:
            bar.update(total=self.push_total + 1, progress=self.push_total + done)
            label.update("Asking central for plan changes…" if done < total else "Done.")

    def finished(self, report: SyncReport | None, error: str | None) -> None:
        self.running = False
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_facts()
        phase = self.query_one("#sync-phase", Static)
        if error is not None:
            phase.update("")
            self.show_error(error)
            return
        assert report is not None
        plan = "the plan changed: see Log mode" if report.plan_changed else "no plan changes"
        rejected = f", {len(report.rejected)} refused" if report.rejected else ""
        phase.update(
            f"Synced: {plural(report.sent, 'record')} sent, "
            f"{report.acknowledged:,} acknowledged{rejected}; {plan}."
        )

    def show_error(self, text: str) -> None:
        error = self.query_one("#sync-error", Static)
        error.update(text)
        error.display = bool(text)
