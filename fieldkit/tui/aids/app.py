"""`fieldkit aids` on its own: an app holding only the aids screen (F12 or escape leaves it)."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from fieldkit.field.aids import Aids
from fieldkit.tui.aids.screen import AidsScreen


class AidsApp(App[None]):
    """The aids full screen, outside the main app (no passphrase screen: the command opened
    the device)."""

    TITLE = "fieldkit aids"
    # The default screen's own CSS_PATH is not read for it: the app loads the same file.
    CSS_PATH = "aids.tcss"

    def __init__(self, aids: Aids, language: str = "en") -> None:
        super().__init__()
        self.aids = aids
        self.language = language

    def get_default_screen(self) -> Screen[None]:
        return AidsScreen(self.aids, self.language)

    def action_quick_exit(self) -> None:
        """The quick exit leaves at once: nothing of the app stays on the screen."""
        self.exit()
