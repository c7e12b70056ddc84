"""The home screen: the workspace's playbooks with their validation status, and its operations."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import get_current_worker

from fieldkit.i18n import N_, _, language
from fieldkit.playbook import Problem
from fieldkit.tui.as_written import as_written
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.screens.device_home import DeviceHome
from fieldkit.tui.screens.playbook import PlaybookScreen
from fieldkit.tui.screens.playbook_check import check_file, status_text
from fieldkit.tui.services import AppServices
from fieldkit.tui.translated import TranslatedBindings
from fieldkit.workspace import Workspace

CHECKING = N_("checking…")


def checking() -> Text:
    """A playbook's status while its check runs, in the language in use."""
    return Text(_(CHECKING), style="dim")


#: Wide enough for "999 problems".
STATUS_WIDTH = 14


class HomeScreen(TranslatedBindings, Screen[None]):
    """Playbooks (Enter opens one) and the planned operations of ops/."""

    CSS_PATH = "home.tcss"
    SUB_TITLE = N_("Home")
    AUTO_FOCUS = "#playbooks"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("r", "recheck", N_("Recheck")),
    ]

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.workspace: Workspace = services.workspace
        self.problems: dict[Path, list[Problem]] = {}
        self.device_shown = False
        self.sub_title = _(self.SUB_TITLE)
        self.spoken = language()
        """The language the screen was drawn in."""

    @property
    def on_device(self) -> bool:
        """A field device's workspace: Home shows the device, not playbooks."""
        return self.services.has_device()

    def compose(self) -> ComposeResult:
        yield Header()
        self.device_shown = self.on_device
        with VerticalScroll(id="home"):
            name = self.workspace.root.name
            yield Static(
                _("Workspace {name}").format(name=name),
                id="workspace",
                classes="hint",
                markup=False,
            )
            if self.device_shown:
                yield DeviceHome(self.services)
            else:
                yield from self.compose_office()
        # On a device too: the footer names the quick exit and the modes.
        yield Footer()

    def compose_office(self) -> ComposeResult:
        yield Static(_("Playbooks"), classes="section-title")
        yield Static(_("Enter opens a playbook: its text and its problems."), classes="hint")
        yield DataTable(id="playbooks", cursor_type="row")
        yield ProgressBar(id="checking", show_eta=False)
        yield Static(_("Planned operations"), classes="section-title")
        yield Static(id="operations")

    def on_mount(self) -> None:
        self.set_up()

    def set_up(self) -> None:
        if self.device_shown:
            return
        table = self.query_one("#playbooks", DataTable)
        table.add_column(_("Playbook"), key="playbook")
        # A fixed width: the column must not depend on which check finished first.
        table.add_column(_("Status"), key="status", width=STATUS_WIDTH)
        self.action_recheck()

    def on_screen_resume(self) -> None:
        """Back on Home: a device's counts may have changed in Log or Sync mode, and the
        workspace may have been enrolled as a device meanwhile."""
        if self.on_device != self.device_shown or self.spoken != language():
            self.call_later(self.rebuild)  # enrolled since, or the language changed meanwhile
        elif self.device_shown:
            self.query_one(DeviceHome).refresh_facts()

    async def rebuild(self) -> None:
        self.spoken = language()
        self.sub_title = _(self.SUB_TITLE)
        self.refresh_bindings()
        await self.recompose()
        self.set_up()

    async def relabel(self) -> None:
        """Draw Home again in the language in use (the app's language key)."""
        await self.rebuild()

    def action_recheck(self) -> None:
        """Re-read the workspace and check every playbook again, off the UI thread."""
        if self.on_device != self.device_shown:
            self.call_later(self.rebuild)
            return
        if self.device_shown:
            self.query_one(DeviceHome).refresh_facts()
            return
        paths = self.workspace.playbook_files()
        table = self.query_one("#playbooks", DataTable)
        table.clear()
        self.problems.clear()
        for path in paths:
            table.add_row(as_written(path.name), checking(), key=str(path))
        progress = self.query_one("#checking", ProgressBar)
        progress.update(total=len(paths) or None, progress=0)
        progress.display = bool(paths)
        self.query_one("#operations", Static).update(self._operations_text())
        self.check_playbooks(paths)

    def _operations_text(self) -> Text:
        names = self.workspace.operations()
        if not names:
            return Text(
                _("None yet. Plan one with: fieldkit plan playbooks/NAME.yaml"), style="dim"
            )
        return Text("\n".join(f"{name}   ops/{name}/plan.json" for name in names))

    @work(thread=True, exclusive=True, group="check-playbooks")
    def check_playbooks(self, paths: list[Path]) -> None:
        worker = get_current_worker()
        for path in paths:
            if worker.is_cancelled:
                return
            problems = check_file(self.workspace, path)
            self.app.call_from_thread(self._show_status, path, problems)

    def _show_status(self, path: Path, problems: list[Problem]) -> None:
        self.problems[path] = problems
        table = self.query_one("#playbooks", DataTable)
        if str(path) in table.rows:
            table.update_cell(str(path), "status", status_text(problems))
        progress = self.query_one("#checking", ProgressBar)
        progress.advance(1)
        if len(self.problems) >= len(table.rows):
            progress.display = False

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._open(Path(event.row_key.value))

    def _open(self, path: Path) -> None:
        self.app.push_screen(PlaybookScreen(path, self.workspace))
