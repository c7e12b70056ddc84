"""Text from data as the app shows it: as written, never read as markup.

A playbook, a record or a code list may hold `[/bold]`, `[red]`, `[@click=...]` or `:warning:`.
Where a widget would read a str as Rich or Textual markup (DataTable cells, options, Select
prompts) the app gives it `as_written(...)` instead; a Static that shows data is made with
`markup=False` and a notification is sent with `markup=False`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text


def as_written(text: object, style: str = "") -> Text:
    """`text` as written, in `style` (the kit's own styling, never the data's)."""
    return Text(str(text), style=style, end="")


def row_as_written(cells: Iterable[object]) -> list[Text]:
    """A table row of data, each cell as written."""
    return [as_written(cell) for cell in cells]
