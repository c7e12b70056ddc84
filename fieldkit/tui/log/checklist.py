"""A checklist of codes (indicators, outcomes, partners) labelled in English and Romanian."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from fieldkit.codes import CodeList

SHORTCUTS = "1234567890"
"""The first ten codes are toggled by a digit each: 1..9, then 0 for the tenth."""


def bilingual(key: str, en: str, ro: str) -> Content:
    """'1 English / Romanian', the Romanian dimmed."""
    return Content.assemble((f"{key:>1} ", "bold"), en, (f" / {ro}", "dim"))


class CodeChecklist(SelectionList[str]):
    """Space toggles the highlighted code; a digit toggles the code with that number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"toggle_nth({n})", show=False) for n, key in enumerate(SHORTCUTS)),
    ]

    def __init__(
        self,
        codes: CodeList,
        chosen: Iterable[str] = (),
        *,
        id: str | None = None,
        numbered: bool = True,
        compact: bool = False,
    ) -> None:
        picked = set(chosen)
        selections = [
            Selection(
                bilingual(SHORTCUTS[n] if numbered and n < len(SHORTCUTS) else " ", c.en, c.ro),
                c.code,
                c.code in picked,
            )
            for n, c in enumerate(codes)
        ]
        super().__init__(*selections, id=id, compact=compact)
        self.numbered = numbered

    def on_mount(self) -> None:
        chosen = set(self.selected)
        first = next(
            (i for i in range(self.option_count) if self.get_option_at_index(i).value in chosen),
            None,
        )
        if first is not None:
            self.highlighted = first

    def action_toggle_nth(self, index: int) -> None:
        if not self.numbered or index >= self.option_count:
            return
        value = self.get_option_at_index(index).value
        self.toggle(value)
        self.highlighted = index

    @property
    def chosen(self) -> list[str]:
        """The checked codes, in list order."""
        picked = set(self.selected)
        return [
            str(self.get_option_at_index(i).value)
            for i in range(self.option_count)
            if self.get_option_at_index(i).value in picked
        ]
