"""The crowd, counted (never names): groups of one gender, age band and nationality.

The form's keys edit it (fieldkit/tui/log/keymap.py): f/m/x count one more of a gender, a and c
change the last group's age band and nationality, + and - its count, g starts another group.
"""

from __future__ import annotations

from dataclasses import replace

from textual.content import Content
from textual.widget import Widget

from fieldkit.codes import CodeBook
from fieldkit.i18n import N_, _
from fieldkit.i18n import label as label_of
from fieldkit.model import PeopleGroup
from fieldkit.tui.log.referral import cycled

MAX_COUNT = 1000
UNKNOWN = "unknown"

HINT = N_("f/m/x: one more woman/man/other · a/c: age, nationality · +/-, #: how many · g: group")


def default_code(codes: CodeBook, kind: str, preferred: str) -> str:
    """`preferred` if the list holds it, else the list's first code."""
    found = codes[kind]
    return preferred if preferred in found else found.ids[0]


class PeoplePicker(Widget):
    """Groups of people engaged in numbers; it shows them, the screen's keys change them."""

    DEFAULT_CSS = """
    PeoplePicker { height: auto; min-height: 1; width: 1fr; }
    """

    def __init__(self, codes: CodeBook, groups: list[PeopleGroup], *, id: str | None = None):
        super().__init__(id=id)
        self.codes = codes
        self.groups: list[PeopleGroup] = list(groups)

    def render(self) -> Content:
        if not self.groups:
            return Content.styled(_("nobody counted yet (f, m or x counts one)"), "dim")
        return Content("\n").join([self._line(g) for g in self.groups])

    def _line(self, group: PeopleGroup) -> Content:
        def label(kind: str, code: str) -> str:
            found = self.codes[kind].get(code)
            return label_of(found) if found else code

        return Content.assemble(
            (f"{group.count}", "bold"),
            " × ",
            (label("genders", group.gender), "bold"),
            _(" · age "),
            label("age_bands", group.age_band),
            _(" · nationality "),
            label("nationalities", group.nationality),
        )

    @property
    def last_count(self) -> int:
        return self.groups[-1].count if self.groups else 0

    def _changed(self) -> None:
        self.refresh(layout=True)

    def _group(self, gender: str) -> PeopleGroup:
        return PeopleGroup(
            gender=default_code(self.codes, "genders", gender),
            age_band=default_code(self.codes, "age_bands", UNKNOWN),
            nationality=default_code(self.codes, "nationalities", UNKNOWN),
            count=1,
        )

    def tally(self, gender: str) -> None:
        """One more person of `gender`: in the last group if it is of that gender, else in a
        new group."""
        gender = default_code(self.codes, "genders", gender)
        if self.groups and self.groups[-1].gender == gender:
            self.set_count(self.last_count + 1)
            return
        self.groups.append(self._group(gender))
        self._changed()

    def another_group(self) -> None:
        """A new group of one, of the last group's gender (other when there is none)."""
        self.groups.append(self._group(self.groups[-1].gender if self.groups else "other"))
        self._changed()

    def set_count(self, count: int) -> None:
        """The last group's count (a group counted down to 0 goes)."""
        count = max(0, min(count, MAX_COUNT))
        if not self.groups:
            if count:
                self.groups.append(replace(self._group("other"), count=count))
                self._changed()
            return
        if count == 0:
            self.groups.pop()
        elif count != self.groups[-1].count:
            self.groups[-1] = replace(self.groups[-1], count=count)
        else:
            return
        self._changed()

    def cycle(self, field: str, step: int) -> None:
        """The last group's next (or previous) age band or nationality."""
        if not self.groups:
            return
        kind = "age_bands" if field == "age_band" else "nationalities"
        current = getattr(self.groups[-1], field)
        chosen = cycled(self.codes[kind], current, step, UNKNOWN)
        self.groups[-1] = replace(self.groups[-1], **{field: chosen})  # type: ignore[arg-type]
        self._changed()
