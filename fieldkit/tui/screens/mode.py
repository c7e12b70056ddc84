"""What every mode screen shares: a title, what the mode is for, and what the workspace holds."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult, CSSPathType
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldkit.i18n import _, language
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.services import AppServices
from fieldkit.tui.translated import TranslatedBindings
from fieldkit.workspace import Workspace

MODE_CSS = Path(__file__).with_name("mode.tcss")
"""The styles of every mode screen, by full path: a mode in its own folder lists it first."""


class ModeScreen(TranslatedBindings, Screen[None]):
    """A mode's base screen; re-reads the workspace each time the mode is shown."""

    CSS_PATH: ClassVar[CSSPathType | None] = MODE_CSS
    BINDINGS: ClassVar[list[BindingType]] = [QUICK_EXIT]
    PURPOSE: ClassVar[str] = ""
    RELABELLED: ClassVar[bool] = False
    """Is the mode's text in the catalogue, so a change of language redraws it?"""

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.workspace: Workspace = services.workspace
        if self.SUB_TITLE:
            self.sub_title = _(self.SUB_TITLE)
        self.spoken = language()
        """The language the screen was drawn in."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="mode"):
            yield Static(_(self.SUB_TITLE or ""), classes="mode-title")
            yield Static(_(self.PURPOSE), classes="purpose", markup=False)
            yield Static(self.holdings(), classes="holdings", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        if self.RELABELLED and self.spoken != language():
            self.call_later(self.relabel)  # the language changed while another mode showed
            return
        self.show_holdings()

    async def relabel(self) -> None:
        """Draw the screen again in the language in use (the app's language key)."""
        self.spoken = language()
        if self.SUB_TITLE:
            self.sub_title = _(self.SUB_TITLE)
        self.refresh_bindings()
        if self.RELABELLED:
            await self.recompose()
            self.show_holdings()

    def show_holdings(self) -> None:
        """Re-read the workspace; a mode with widgets of its own overrides this."""
        self.query_one(".holdings", Static).update(self.holdings())

    def holdings(self) -> str:
        """What the workspace holds that this mode works on (plain text); each mode says."""
        return ""


def bullet_list(items: list[str], none: str) -> str:
    return "\n".join(f"  • {item}" for item in items) if items else f"  {none}"
