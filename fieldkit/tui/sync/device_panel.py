"""The device's side of Sync mode: its outbox per state, its central, and "sync now"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static

from fieldkit.errors import UserError
from fieldkit.i18n import _, ngettext
from fieldkit.tui.services import AppServices
from fieldkit.tui.sync.words import counted, counts_line, moment, plain_error, push_line

if TYPE_CHECKING:
    from fieldkit.sync.client import SyncReport

Words = Callable[[], str]
"""A line's words, said again in the language in use each time they are called."""


class DevicePanel(Vertical):
    """Last sync, records per state, the central address; syncs in a worker, never in the UI."""

    class Finished(Message):
        """A sync has finished (the screen may now be drawn again)."""

    def __init__(self, services: AppServices, lines: dict[str, Words] | None = None) -> None:
        """`lines`: what the phase and error lines say, kept by the screen, so a panel drawn
        again in another language says them again."""
        super().__init__(classes="device-panel")
        self.lines: dict[str, Words] = {} if lines is None else lines
        self.services = services
        self.root = services.root
        self.running = False
        self.push_total = 0
        self.facts: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("This device"), classes="section-title")
        yield Static(id="device-facts", markup=False)
        yield Static(id="device-counts", classes="counts", markup=False)
        with Horizontal(classes="sync-row"):
            yield Button(_("Sync now (s)"), id="sync-now", variant="primary")
            yield ProgressBar(id="sync-progress", show_eta=False)
        yield Static(id="sync-phase", markup=False)
        yield Static(id="sync-error", classes="sync-error", markup=False)
        yield Static(
            _("No connection? Carry the records on a stick: fieldkit sync --export-bundle FILE"),
            classes="hint",
            markup=False,
        )

    def on_mount(self) -> None:
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_facts(show_last_error=True)
        for where, words in list(self.lines.items()):
            self.say(where, words)

    def say(self, where: str, words: Words) -> None:
        """Put `words` on the line `where` (sync-phase or sync-error), and keep them."""
        self.lines[where] = words
        text = words()
        self.query_one(f"#{where}", Static).update(text)
        if where == "sync-error":
            self.query_one(f"#{where}", Static).display = bool(text)

    # -- what the device holds -------------------------------------------------------

    def refresh_facts(self, show_last_error: bool = False) -> None:
        """Re-read the device's sync state (local and quick)."""
        try:
            self.facts = self.services.device_sync_state()
        except UserError as exc:
            self.facts = None
            self.query_one("#device-facts", Static).update(
                _(
                    "This workspace has a device/ folder, but it cannot be used as an enrolled "
                    "device:\n{problem}"
                ).format(problem=plain_error(str(exc), self.root))
            )
            self.query_one("#device-counts", Static).update("")
            self.query_one("#sync-now", Button).disabled = True
            return
        facts = self.facts
        central = facts["central"] or (
            _(
                "not set - this device has no central credential yet; give it the file central "
                "issues: fieldkit device credential FILE"
            )
            if not facts["enrolled_with_central"]
            else _("not set - give the address with: fieldkit sync --server URL")
        )
        self.query_one("#device-facts", Static).update(
            _("Device {device}\nCentral: {central}\nLast sync: {last}").format(
                device=facts["device"], central=central, last=moment(facts["last_sync"])
            )
        )
        self.query_one("#device-counts", Static).update(
            _("Records  {counts}").format(counts=counts_line(facts["counts"]))
        )
        self.query_one("#sync-now", Button).disabled = self.running
        if show_last_error and facts["last_error"]:
            last = facts["last_error"]
            self.say(
                "sync-error",
                lambda: _("The last sync did not finish: {error}.").format(error=last),
            )

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
        self.say("sync-error", str)
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.say("sync-phase", lambda: _("Connecting to central…"))
        self.run_sync()

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self) -> None:
        """The whole sync, off the UI thread; the screen hears of it through call_from_thread."""
        report: SyncReport | None = None
        error: Words | None = None
        try:
            report = self.services.sync_device(self.progress_from_thread)
        except UserError as exc:
            message = str(exc)
            error = lambda: plain_error(message, self.root)  # noqa: E731
        except Exception as exc:  # a bug: say so, the records stay in the device's store
            kind, what = type(exc).__name__, str(exc)
            error = lambda: _(  # noqa: E731
                "The sync stopped on an unexpected error ({kind}: {error}). "
                "Your records are safe on this device."
            ).format(kind=kind, error=what)
        self.app.call_from_thread(self.finished, report, error)

    def progress_from_thread(self, phase: str, done: int, total: int) -> None:
        self.app.call_from_thread(self.show_progress, phase, done, total)

    def show_progress(self, phase: str, done: int, total: int) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        if phase == "push":
            self.push_total = total
            bar.update(total=total + 1, progress=done)
            self.say("sync-phase", lambda: push_line(done, total))
        else:
            bar.update(total=self.push_total + 1, progress=self.push_total + done)
            asking = done < total
            self.say(
                "sync-phase",
                lambda: _("Asking central for plan changes…") if asking else _("Done."),
            )

    def finished(self, report: SyncReport | None, error: Words | None) -> None:
        self.running = False
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_facts()
        if error is not None:
            self.say("sync-phase", str)
            self.say("sync-error", error)
        else:
            assert report is not None
            done = report
            self.say("sync-phase", lambda: synced(done))
        self.post_message(self.Finished())


def synced(report: SyncReport) -> str:
    """What a finished sync did, in a line."""
    plan = _("the plan changed: see Log mode") if report.plan_changed else _("no plan changes")
    rejected = _(", {count} refused").format(count=len(report.rejected)) if report.rejected else ""
    sent = ngettext("{count} record", "{count} records", report.sent)
    return _("Synced: {sent} sent, {acknowledged} acknowledged{refused}; {plan}.").format(
        sent=counted(sent, report.sent),
        acknowledged=f"{report.acknowledged:,}",
        refused=rejected,
        plan=plan,
    )
