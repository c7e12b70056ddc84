"""Log mode's activity log: a handover note typed in, and the team's day in order."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static, TextArea

from fieldkit.field.activity import DayLog, day_log_text
from fieldkit.model import NOTES_MAX
from fieldkit.tui.keys import QUICK_EXIT


class HandoverNote(ModalScreen[str | None]):
    """The words of a handover note between shifts (ctrl+s saves, escape goes back)."""

    DEFAULT_CSS = """
    HandoverNote {
        align: center middle;
    }

    #handover {
        width: 76;
        max-width: 100%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }

    #handover-text {
        height: 8;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="handover"):
            yield Static(
                "Handover note for the next shift (what happened, what is still to do). "
                "ctrl+s saves it in the activity log; escape goes back.",
                markup=False,
            )
            yield TextArea(id="handover-text", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("Write the note first (escape to go back).", severity="warning")
            return
        if len(text) > NOTES_MAX:
            self.notify(f"A note is at most {NOTES_MAX} characters.", severity="error")
            return
        self.dismiss(text)

    def action_back(self) -> None:
        self.dismiss(None)


class DayLogScreen(Screen[None]):
    """The team's day on this device, in order, as it prints (escape goes back)."""

    DEFAULT_CSS = """
    #day-log {
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [QUICK_EXIT, Binding("escape,d", "back", "Back")]

    def __init__(self, log: DayLog) -> None:
        super().__init__()
        self.day = log

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="day-log"):
            yield Static(id="day-log-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Activity log"
        self.on_resize()

    def on_resize(self) -> None:
        width = max(40, self.size.width - 4)
        self.query_one("#day-log-text", Static).update(day_log_text(self.day, width))

    def action_back(self) -> None:
        self.dismiss()
