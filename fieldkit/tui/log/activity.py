"""Log mode's activity log: a handover note typed in, and the team's day in order."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static, TextArea

from fieldkit.field.activity import DayLog, day_log_text
from fieldkit.i18n import N_, _
from fieldkit.model import NOTES_MAX
from fieldkit.tui.keys import LANGUAGE, QUICK_EXIT
from fieldkit.tui.translated import TranslatedBindings


class HandoverNote(TranslatedBindings, ModalScreen[str | None]):
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
        Binding("ctrl+s", "save", N_("Save note")),
        Binding("escape", "back", N_("Back")),
        LANGUAGE,
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="handover"):
            yield Static(
                _(
                    "Handover note for the next shift (what happened, what is still to do). "
                    "ctrl+s saves it in the activity log; escape goes back."
                ),
                markup=False,
            )
            yield TextArea(id="handover-text", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify(_("Write the note first (escape to go back)."), severity="warning")
            return
        if len(text) > NOTES_MAX:
            self.notify(
                _("A note is at most {count} characters.").format(count=NOTES_MAX),
                severity="error",
            )
            return
        self.dismiss(text)

    def action_back(self) -> None:
        self.dismiss(None)


class DayLogScreen(TranslatedBindings, Screen[None]):
    """The team's day on this device, in order, as it prints (escape goes back)."""

    DEFAULT_CSS = """
    #day-log {
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [QUICK_EXIT, Binding("escape,d", "back", N_("Back"))]

    def __init__(self, log: DayLog) -> None:
        super().__init__()
        self.day = log

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="day-log"):
            yield Static(id="day-log-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Activity log")
        self.on_resize()

    async def relabel(self) -> None:
        """The day again in the language in use (the app's language key)."""
        self.refresh_bindings()
        self.on_mount()

    def on_resize(self) -> None:
        width = max(40, self.size.width - 4)
        self.query_one("#day-log-text", Static).update(day_log_text(self.day, width))

    def action_back(self) -> None:
        self.dismiss()
