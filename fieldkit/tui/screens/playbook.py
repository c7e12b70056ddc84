"""A playbook's text, read-only, and its problems; selecting a problem jumps to its line."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from fieldkit.i18n import N_, _
from fieldkit.playbook import Problem
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.screens.playbook_check import check_file, status_text, workspace_label
from fieldkit.tui.translated import TranslatedBindings
from fieldkit.workspace import Workspace


def yaml_language() -> str | None:
    """'yaml' when the syntax extras (tree-sitter) are installed, else plain text."""
    return "yaml" if find_spec("tree_sitter_yaml") is not None else None


class PlaybookScreen(TranslatedBindings, Screen[None]):
    """One playbook: its YAML with line numbers above, its problems below."""

    CSS_PATH = "playbook.tcss"
    SUB_TITLE = N_("Playbook")
    AUTO_FOCUS = "#problems"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, path: Path, workspace: Workspace) -> None:
        super().__init__()
        self.path = path
        self.workspace = workspace
        self.label = workspace_label(workspace, path)
        self.problems: list[Problem] | None = None
        self.sub_title = _(self.SUB_TITLE)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.label, id="file", markup=False)
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""  # gone or unreadable: the check below says so in the problem list
        area = TextArea(
            text,
            language=yaml_language(),
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="focus",
            id="text",
        )
        area.cursor_blink = False
        yield area
        yield Static(_("Problems: checking…"), id="problems-title", classes="section-title")
        yield OptionList(id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.check()

    async def relabel(self) -> None:
        """Draw the screen again in the language in use (the app's language key)."""
        self.sub_title = _(self.SUB_TITLE)
        self.refresh_bindings()
        await self.recompose()
        if self.problems is not None:
            self._show_problems(self.problems)

    @work(thread=True, exclusive=True, group="check-playbook")
    def check(self) -> None:
        problems = check_file(self.workspace, self.path)
        self.app.call_from_thread(self._show_problems, problems)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        title = self.query_one("#problems-title", Static)
        title.update(Text(_("Problems: {status}").format(status=status_text(problems).plain)))
        listing = self.query_one("#problems", OptionList)
        listing.clear_options()
        if not problems:
            listing.add_option(Option(_("No problems: this playbook is valid."), disabled=True))
            return
        listing.add_options(
            Option(
                Text(
                    _("line {line}, col {column}: {message}").format(
                        line=p.line, column=p.column, message=p.message
                    )
                ),
                id=str(i),
            )
            for i, p in enumerate(problems)
        )
        listing.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.jump_to((self.problems or [])[int(event.option.id)])

    def jump_to(self, problem: Problem) -> None:
        """Put the text's cursor on the problem's line and column, and scroll it into view."""
        area = self.query_one("#text", TextArea)
        row = min(max(problem.line - 1, 0), area.document.line_count - 1)
        column = min(max(problem.column - 1, 0), len(area.document.get_line(row)))
        area.cursor_location = (row, column)
        area.scroll_cursor_visible(center=True, animate=False)
