"""The people engaged, in a few keys: a count, a gender, and optionally age band and nationality."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from fieldkit.codes import CodeBook, CodeList
from fieldkit.model import PeopleGroup

MAX_COUNT = 1000
GENDER_KEYS = {"f": "female", "m": "male", "x": "other"}

HINT = "digits: how many · f/m/x: gender · a: age · c: nationality · +: another group"


def default_code(codes: CodeList, preferred: str) -> str:
    """`preferred` if the list holds it, else the list's first code."""
    return preferred if preferred in codes else codes.ids[0]


class PeoplePicker(Widget, can_focus=True):
    """Groups of people engaged (never names); keys edit the last group."""

    DEFAULT_CSS = """
    PeoplePicker { height: auto; min-height: 1; padding: 0 1; }
    PeoplePicker:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(d), f"digit({d})", show=False) for d in range(10)),
        *(Binding(k, f"gender('{k}')", show=False) for k in GENDER_KEYS),
        Binding("a", "cycle('age_bands', 1)", "Age", show=False),
        Binding("A", "cycle('age_bands', -1)", show=False),
        Binding("c", "cycle('nationalities', 1)", "Nationality", show=False),
        Binding("C", "cycle('nationalities', -1)", show=False),
        Binding("plus", "add_group", "Another group", show=False),
        Binding("backspace,minus", "remove_group", "Remove group", show=False),
        Binding("enter", "app.focus_next", show=False),
    ]

    class Changed(Message):
        """The groups changed."""

    def __init__(
        self,
        codes: CodeBook,
        groups: list[PeopleGroup],
        *,
        id: str | None = None,
        as_recorded: bool = False,
    ):
        """A new engagement starts with one group to edit; an amended one (`as_recorded`)
        shows its groups as they were, none if none were recorded."""
        super().__init__(id=id)
        self.codes = codes
        self.groups: list[PeopleGroup] = list(groups)
        if not self.groups and not as_recorded:
            self.groups.append(self.new_group())
        self._typing_digits = False

    def new_group(self) -> PeopleGroup:
        return PeopleGroup(
            gender=default_code(self.codes["genders"], "other"),
            age_band=default_code(self.codes["age_bands"], "unknown"),
            nationality=default_code(self.codes["nationalities"], "unknown"),
            count=1,
        )

    def render(self) -> Content:
        if not self.groups:
            return Content("(nobody recorded: type a number to add people)")
        lines = [self._line(g) for g in self.groups]
        return Content("\n").join(lines)

    def _line(self, group: PeopleGroup) -> Content:
        def label(kind: str, code: str) -> str:
            found = self.codes[kind].get(code)
            return found.en if found else code

        return Content.assemble(
            (f"{group.count}", "bold"),
            " × ",
            (label("genders", group.gender), "bold"),
            " · age ",
            label("age_bands", group.age_band),
            " · nationality ",
            label("nationalities", group.nationality),
        )

    def on_blur(self) -> None:
        self._typing_digits = False

    def _set_last(self, **changes: object) -> None:
        if not self.groups:
            self.groups.append(self.new_group())
        self.groups[-1] = replace(self.groups[-1], **changes)  # type: ignore[arg-type]
        self.refresh(layout=True)
        self.post_message(self.Changed())

    def action_digit(self, digit: int) -> None:
        count = self.groups[-1].count if self.groups else 0
        value = count * 10 + digit if self._typing_digits else digit
        self._set_last(count=min(value, MAX_COUNT))
        self._typing_digits = True

    def action_gender(self, key: str) -> None:
        self._typing_digits = False
        self._set_last(gender=default_code(self.codes["genders"], GENDER_KEYS[key]))

    def action_cycle(self, kind: str, step: int) -> None:
        self._typing_digits = False
        ids = self.codes[kind].ids
        field = "age_band" if kind == "age_bands" else "nationality"
        if not self.groups:
            self.groups.append(self.new_group())
        current = getattr(self.groups[-1], field)
        at = ids.index(current) if current in ids else -1
        self._set_last(**{field: ids[(at + step) % len(ids)]})

    def action_add_group(self) -> None:
        self._typing_digits = False
        self.groups.append(self.new_group())
        self.refresh(layout=True)
        self.post_message(self.Changed())

    def action_remove_group(self) -> None:
        self._typing_digits = False
        if self.groups:
            self.groups.pop()
            self.refresh(layout=True)
            self.post_message(self.Changed())
