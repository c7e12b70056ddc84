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

from fieldkit.i18n import N_, _
from fieldkit.tui.dates import FULL_TIME, shown_time
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.translated import TranslatedBindings


class ConfirmTime(TranslatedBindings, ModalScreen[bool]):
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
        Binding("y", "answer(True)", N_("Save anyway")),
        Binding("n,escape", "answer(False)", N_("Back to the form")),
    ]

    def __init__(self, moment: datetime, why: str) -> None:
        super().__init__()
        self.moment = moment
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-time"):
            yield Static(
                _(
                    "This engagement's time, {time}, is {why}.\n"
                    "Is that when it happened? Save it anyway (y), or go back and correct "
                    "the time (n or Esc)."
                ).format(time=shown_time(self.moment, *FULL_TIME), why=self.why),
                id="confirm-time-text",
                markup=False,
            )
            with Horizontal(id="confirm-time-buttons"):
                yield Button(_("Back (n)"), id="back", compact=True)
                yield Button(
                    _("Save anyway (y)"), id="save-anyway", variant="warning", compact=True
                )

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "save-anyway")

    def action_answer(self, save: bool) -> None:
        self.dismiss(save)
