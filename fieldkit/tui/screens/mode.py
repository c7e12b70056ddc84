"""What every mode screen shares: a title, what the mode is for, and what the workspace holds."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult, CSSPathType
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.services import AppServices
from fieldkit.workspace import Workspace

MODE_CSS = Path(__file__).with_name("mode.tcss")
"""The styles of every mode screen, by full path: a mode in its own folder lists it first."""


class ModeScreen(Screen[None]):
    """A mode's base screen; re-reads the workspace each time the mode is shown."""

    CSS_PATH: ClassVar[CSSPathType | None] = MODE_CSS
    BINDINGS: ClassVar[list[BindingType]] = [QUICK_EXIT]
    PURPOSE: ClassVar[str] = ""

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.workspace: Workspace = services.workspace

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="mode"):
            yield Static(self.SUB_TITLE or "", classes="mode-title")
            yield Static(self.PURPOSE, classes="purpose", markup=False)
            yield Static(self.holdings(), classes="holdings", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        self.show_holdings()

    def show_holdings(self) -> None:
        """Re-read the workspace; a mode with widgets of its own overrides this."""
        self.query_one(".holdings", Static).update(self.holdings())

    def holdings(self) -> str:
        """What the workspace holds that this mode works on (plain text); each mode says."""
        return ""


def bullet_list(items: list[str], none: str) -> str:
    return "\n".join(f"  • {item}" for item in items) if items else f"  {none}"
