"""The neutral page the quick exit shows: a plain weather page, nothing else on it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from fieldkit.i18n import N_, _

NEUTRAL_TITLE = N_("Weather")

FORECAST = N_("Tonight     9°C   clear\nTomorrow   16°C   cloudy\nLater      13°C   showers")


class NeutralScreen(Screen[None]):
    """A weather page; typing the unlock word in its search box (then Enter) leaves it."""

    CSS_PATH = "neutral.tcss"
    AUTO_FOCUS = "#city"

    @dataclass
    class Unlocked(Message):
        """The unlock word was typed: the app may come back."""

    def __init__(self, unlock_word: str) -> None:
        super().__init__()
        self._unlock_word = unlock_word.casefold()

    def compose(self) -> ComposeResult:
        with Vertical(id="weather"):
            yield Static(_(NEUTRAL_TITLE), id="brand")
            yield Static("London", id="place")
            yield Static(_("14°C  light rain"), id="now")
            yield Static(_("Feels like 12°C\nWind 12 km/h SW   Humidity 82%"), id="details")
            yield Static(_(FORECAST), id="forecast")
            yield Input(placeholder=_("Search a city"), id="city")
            yield Static("", id="result")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        event.input.clear()
        result = self.query_one("#result", Static)
        if typed.casefold() == self._unlock_word:
            result.update("")
            self.post_message(self.Unlocked())
        elif typed:
            result.update(Text(_("No forecast found for {typed}.").format(typed=repr(typed))))
