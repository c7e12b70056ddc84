"""The persons met one to one, one entry each, with any referral rule it breaks beside it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fieldkit.codes import CodeBook, CodeList
from fieldkit.codes.rules import BrokenRule
from fieldkit.i18n import _, language, ngettext
from fieldkit.i18n import label as label_of
from fieldkit.model import Person


def label(codes: CodeList, code: str | None, none: str = "—") -> str:
    """A code's label in the language in use (the code itself if the list does not hold it)."""
    if code is None:
        return none
    found = codes.get(code)
    return label_of(found) if found else code


def person_summary(person: Person, codes: CodeBook) -> str:
    """'Female · 18 to 24 · Romanian · signs: ... · Consents · Referred to the NRM by X'."""
    signs = ", ".join(label(codes.indicators, s) for s in person.signs) or _("no signs")
    parts = [
        label(codes["genders"], person.gender),
        label(codes["age_bands"], person.age_band),
        label(codes["nationalities"], person.nationality),
        _("signs: {signs}").format(signs=signs),
        label(codes["consent"], person.consent),
        label(codes["routes"], person.route)
        + (_(" by {officer}").format(officer=person.by) if person.by else ""),
    ]
    if person.interpreter != "none":
        parts.append(label(codes["interpreters"], person.interpreter))
    if person.ref:
        parts.append(_("ref. given"))
    return " · ".join(parts)


def hanging(head: str, body: Text, head_style: str = "bold") -> Table:
    """`head` then `body`, the body's wrapped lines under itself (never under the head)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(head, style=head_style, end=""), body)
    return grid


def rules_text(broken: Sequence[BrokenRule]) -> Text:
    """Each broken rule in two lines: English, then Romanian (as written, never markup)."""
    text = Text(end="")
    for n, rule in enumerate(broken):
        first, second = (rule.ro, rule.en) if language() == "ro" else (rule.en, rule.ro)
        text.append(("\n" if n else "") + first, style="bold red")
        text.append("\n" + second, style="red italic")
    return text


def rules_shown(broken: Sequence[BrokenRule]) -> Table:
    """The broken rules, each marked ✗, in English and Romanian."""
    return hanging("✗", rules_text(broken), "bold red")


def rules_refusal(broken: list[BrokenRule]) -> str:
    """Why a record that breaks a referral rule is not saved, and where the rule is shown."""
    persons = sorted({b.person for b in broken if b.person is not None})
    where = []
    if persons:
        where.append(_("beside person {numbers}").format(numbers=", ".join(map(str, persons))))
    if any(b.person is None for b in broken):
        where.append(_("under What was done"))
    shown = ngettext(
        "{count} referral rule broken, shown in English and Romanian {where}.",
        "{count} referral rules broken, shown in English and Romanian {where}.",
        len(broken),
    )
    return shown.format(count=len(broken), where=_(" and ").join(where))


class PersonsList(OptionList):
    """Persons 1..n; `e` (or enter) edits the one under the cursor, ctrl+d removes it."""

    DEFAULT_CSS = """
    PersonsList {
        height: auto;
        max-height: 12;
        text-wrap: wrap;
    }
    """

    def __init__(self, codes: CodeBook, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.codes = codes

    def show(self, persons: Sequence[Person], broken: Sequence[BrokenRule]) -> None:
        """The persons with the rules each breaks; the cursor stays where it was."""
        keep = self.highlighted
        self.clear_options()
        for n, person in enumerate(persons, start=1):
            entry = Text(person_summary(person, self.codes), end="")
            mine = [b for b in broken if b.person == n]
            if mine:
                entry.append("\n")
                entry.append_text(rules_text(mine))
            self.add_option(Option(hanging(f"{n}.", entry), id=str(n)))
        if persons:
            self.highlighted = min(keep if keep is not None else 0, len(persons) - 1)
