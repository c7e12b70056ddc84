"""The aids screen: the helplines in large digits and the leaflet, in English or Romanian."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.renderables.digits import DIGITS
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from fieldkit.field.aids import Aids, Helpline
from fieldkit.i18n import N_
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.translated import TranslatedBindings


class AidsScreen(TranslatedBindings, Screen[None]):
    """Full screen, large type, in the language chosen: the screen is turned to the person."""

    CSS_PATH = "aids.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("e", "language('en')", "English"),
        Binding("r", "language('ro')", "Română"),
        Binding("escape,q", "back", N_("Back")),
    ]

    def __init__(self, aids: Aids, language: str = "en") -> None:
        super().__init__()
        self.aids = aids
        self.language = language

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="aids"):
            yield Static(id="aids-title", markup=False)
            first, *others = self.aids.helplines
            yield from _helpline(first, "first")
            yield Static(id="leaflet", markup=False)
            yield Static(id="others-title", markup=False)
            for line in others:
                yield from _helpline(line, "other")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        words = self.aids.words(self.language)
        self.query_one("#aids-title", Static).update(
            f"{words['title']}  ·  {words['language']}  ·  {words['other']}"
        )
        text = self.aids.leaflet_in(self.language)
        if self.aids.kit_leaflet:
            text += "\n\n" + words["kit_leaflet"]
        leaflet = self.query_one("#leaflet", Static)
        leaflet.update(text)
        leaflet.border_title = words["leaflet"]
        others = self.query_one("#others-title", Static)
        others.update(words["helplines"])
        others.display = len(self.aids.helplines) > 1

    def action_language(self, language: str) -> None:
        self.language = language
        self.show()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()


def _helpline(line: Helpline, kind: str) -> ComposeResult:
    """A helpline's number in large digits (as text if it has other characters), then its name."""
    with Horizontal(classes=f"helpline {kind}"):
        if all(c in DIGITS for c in line.phone):
            yield Digits(line.phone, classes="phone")
        else:
            yield Static(line.phone, classes="phone-text", markup=False)
    hours = f" ({line.hours})" if line.hours else ""
    yield Static(f"{line.name}{hours}", classes=f"helpline-name {kind}", markup=False)
