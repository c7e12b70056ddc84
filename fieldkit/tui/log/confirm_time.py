"""Asks before saving an engagement whose time is outside the operation (y saves, Esc goes back)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from fieldkit.tui.keys import QUICK_EXIT


class ConfirmTime(ModalScreen[bool]):
    """'This engagement is at TIME, outside the operation's dates: save it anyway?'"""

    DEFAULT_CSS = """
    ConfirmTime {
        align: center middle;
    }

    #confirm-time {
        width: 64;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }

    #confirm-time-text {
        margin: 0 0 1 0;
    }

    #confirm-time-buttons {
        height: auto;
        align-horizontal: right;
    }

    #confirm-time-buttons Button {
        margin: 0 0 0 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("y", "answer(True)", "Save anyway"),
        Binding("n,escape", "answer(False)", "Back to the form"),
    ]

    def __init__(self, moment: datetime, why: str) -> None:
        super().__init__()
        self.moment = moment
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-time"):
            yield Static(
                f"This engagement's time, {self.moment:%a %d %b %Y %H:%M}, is {self.why}.\n"
                "Is that when it happened? Save it anyway (y), or go back and correct "
                "the time (n or Esc).",
                id="confirm-time-text",
                markup=False,
            )
            with Horizontal(id="confirm-time-buttons"):
                yield Button("Back (n)", id="back", compact=True)
                yield Button("Save anyway (y)", id="save-anyway", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "save-anyway")

    def action_answer(self, save: bool) -> None:
        self.dismiss(save)
