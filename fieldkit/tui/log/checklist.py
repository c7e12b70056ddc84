"""A checklist of codes (indicators, outcomes, partners) labelled in English and Romanian."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fieldkit.codes import Code, CodeList
from fieldkit.i18n import language
from fieldkit.tui.log.keymap import SIGN_KEYS

TICKED, UNTICKED = "☒", "☐"


def bilingual(mark: str, key: str, code: Code) -> Table:
    """'☒ 1 English / Romanian', the Romanian dimmed (Romanian first in Romanian); a long
    label wraps under itself, never under the box (and is never cut). Text, not markup: a
    label is shown as written."""
    row = Table.grid(padding=(0, 1))
    row.add_column(no_wrap=True)
    row.add_column(ratio=1)
    first, second = (code.ro, code.en) if language() == "ro" else (code.en, code.ro)
    label = Text(first, end="")
    label.append(f" / {second}", style="dim")
    row.add_row(Text(f"{mark} {key}" if key else mark, style="bold", end=""), label)
    return row


class CodeChecklist(OptionList):
    """Space toggles the highlighted code; the screen's keys toggle a code by its number
    (`toggle_nth`), whatever has focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_highlighted", "Tick", show=False),
    ]

    class SelectedChanged(Message):
        """A code was ticked or unticked."""

        def __init__(self, checklist: CodeChecklist) -> None:
            super().__init__()
            self.checklist = checklist

    def __init__(
        self,
        codes: CodeList,
        chosen: Iterable[str] = (),
        *,
        id: str | None = None,
        numbered: bool = True,
        prefix: str = "",
        compact: bool = False,
    ) -> None:
        """`numbered`: the first ten codes show their key, `prefix` then 1..9, 0."""
        self.codes = codes
        self.picked = {c for c in chosen if c in codes}
        width = len(prefix) + 1
        self.keys = [
            (prefix + SIGN_KEYS[n] if n < len(SIGN_KEYS) else "").ljust(width) if numbered else ""
            for n in range(len(codes))
        ]
        super().__init__(*self._code_options(), id=id, compact=compact)
        self.numbered = numbered

    def _code_options(self) -> list[Option]:
        return [Option(self._prompt(n, c), id=c.code) for n, c in enumerate(self.codes)]

    def _prompt(self, n: int, code: Code) -> Table:
        mark = TICKED if code.code in self.picked else UNTICKED
        return bilingual(mark, self.keys[n], code)

    def on_mount(self) -> None:
        first = next((i for i, c in enumerate(self.codes) if c.code in self.picked), None)
        if first is not None:
            self.highlighted = first

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter means what the screen says (done, in a person's form), not "tick" here (a
        click still ticks)."""
        return action != "select"

    def action_toggle_highlighted(self) -> None:
        if self.highlighted is not None:
            self.toggle_at(self.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click ticks (enter passes on to the screen)."""
        event.stop()
        self.toggle_at(event.option_index)

    def action_toggle_nth(self, index: int) -> None:
        """The code numbered `index` (0 is the first): ticked or unticked."""
        if not self.numbered or index >= self.option_count:
            return
        self.toggle_at(index)
        self.highlighted = index

    def toggle_at(self, index: int) -> None:
        code = self.codes.codes[index]
        self.set_ticked(code.code, code.code not in self.picked)

    def toggle(self, code: str) -> None:
        self.set_ticked(code, code not in self.picked)

    def select(self, code: str) -> None:
        self.set_ticked(code, True)

    def set_ticked(self, code: str, ticked: bool) -> None:
        if code not in self.codes or (code in self.picked) == ticked:
            return
        if ticked:
            self.picked.add(code)
        else:
            self.picked.discard(code)
        index = self.codes.ids.index(code)
        self.replace_option_prompt_at_index(index, self._prompt(index, self.codes[code]))
        self.post_message(self.SelectedChanged(self))

    @property
    def chosen(self) -> list[str]:
        """The ticked codes, in list order."""
        return [c for c in self.codes.ids if c in self.picked]
