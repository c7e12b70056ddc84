"""A small dialog to pick the team a visit moves to (Enter picks, Escape cancels)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fieldkit.i18n import N_, _
from fieldkit.tui.as_written import as_written
from fieldkit.tui.keys import LANGUAGE, QUICK_EXIT
from fieldkit.tui.translated import TranslatedBindings


class TeamPicker(TranslatedBindings, ModalScreen[str | None]):
    """Choose a team for a visit; the choice is then tested against the rules."""

    DEFAULT_CSS = """
    TeamPicker {
        align: center middle;
    }

    #picker {
        width: 60;
        height: auto;
        max-height: 16;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }

    #picker-title {
        text-style: bold;
        margin: 0 0 1 0;
    }

    #teams {
        height: auto;
        max-height: 10;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("escape", "cancel", N_("Cancel")),
        LANGUAGE,
    ]

    def __init__(self, visit_id: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(
                _("Move {visit} to:").format(visit=self.visit_id), id="picker-title", markup=False
            )
            yield OptionList(
                *(Option(as_written(label), id=tid) for tid, label in self.choices), id="teams"
            )

    @on(OptionList.OptionSelected, "#teams")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
