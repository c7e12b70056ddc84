"""One person met one to one (never a name): their codes, their signs, consent and referral, with
the referral rules checked as the officer goes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from fieldkit.codes import CodeBook
from fieldkit.codes.rules import BrokenRule, broken_rules
from fieldkit.i18n import N_, _, both, label
from fieldkit.model import REFERRAL_REF_MAX
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.keymap import person_bindings
from fieldkit.tui.log.persons import rules_shown
from fieldkit.tui.log.referral import PersonEdit, Referral, cycled
from fieldkit.tui.translated import TranslatedBindings

DEFAULTS = {
    "age_band": "unknown",
    "nationality": "unknown",
    "consent": "not_asked",
    "route": "none",
    "interpreter": "none",
}
"""What a field holds until the officer says otherwise (it sits last in its key's cycle)."""

LISTS = {
    "gender": "genders",
    "age_band": "age_bands",
    "nationality": "nationalities",
    "language": "languages",
    "consent": "consent",
    "route": "routes",
    "interpreter": "interpreters",
}

FIELDS = (
    (N_("Gender"), "f/m/x", "gender"),
    (N_("Age band"), "a", "age_band"),
    (N_("Nationality"), "c", "nationality"),
    (N_("Language"), "l", "language"),
    (N_("Consent"), "y", "consent"),
    (N_("Route"), "r", "route"),
    (N_("Referral by"), "b", "by"),
    (N_("Interpreter"), "i", "interpreter"),
)


@dataclass(frozen=True)
class PersonDone:
    """The person as written; `save`: the officer asked to save the engagement too."""

    edit: PersonEdit
    save: bool = False


class PersonForm(TranslatedBindings, ModalScreen[PersonDone | None]):
    """Person N: the same keys as the engagement form (digits tick signs), enter when done."""

    CSS_PATH = "log.tcss"
    AUTO_FOCUS = "#person-signs"
    BINDINGS: ClassVar[list[BindingType]] = [*person_bindings()]

    def __init__(
        self,
        number: int,
        edit: PersonEdit,
        codes: CodeBook,
        referral: Referral,
        *,
        language: str | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        """`language`: the engagement's, which a person speaks unless the officer says not;
        `names`: each team member's name, by id."""
        super().__init__()
        self.number = number
        self.edit = edit.suggested(referral)
        self.codes = codes
        self.referral = referral
        self.language = language
        self.names = names or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="person-box"):
            yield Static(
                _("Person {number}, met one to one (codes only, never a name)").format(
                    number=self.number
                ),
                classes="section-title",
                id="person-title",
            )
            yield Static(self.fields_text(), id="person-fields")
            yield Static(_("Signs seen in this person (1…0 or space)"), classes="section-title")
            yield CodeChecklist(
                self.codes.indicators, self.edit.person.signs, id="person-signs", compact=True
            )
            with Horizontal(classes="row"):
                yield Static(_("Reference (tab)"), classes="label")
                yield Input(
                    self.edit.person.ref or "",
                    placeholder=_("e.g. an NRM number"),
                    id="person-ref",
                    max_length=REFERRAL_REF_MAX,
                    compact=True,
                )
            yield Static(id="person-rules")
        yield Footer(show_command_palette=False)  # room for the form's keys (ctrl+p works)

    def on_mount(self) -> None:
        self.show()

    # -- what the form shows -----------------------------------------------------------

    def value_text(self, field: str) -> str:
        person = self.edit.person
        if field == "by":
            if person.by is None:
                return _("nobody (no referral)")
            name = self.names.get(person.by)
            agency = self.codes.partners.get(self.referral.agencies.get(person.by, ""))
            agency_name = label(agency) if agency else _("no agency")
            return f"{person.by} ({name}, {agency_name})"
        code = getattr(person, field)
        if field == "language" and code is None:
            code = self.language
            if code is None:
                return _("as the engagement (not recorded)")
        found = self.codes[LISTS[field]].get(code)
        return both(found) if found else str(code)

    def fields_text(self) -> Table:
        """Each field: its name, its key, its value in English and Romanian (wrapped under
        itself, never cut)."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)
        for title, key, field in FIELDS:
            suggested = (field == "route" and not self.edit.route_chosen) or (
                field == "by" and not self.edit.by_chosen
            )
            value = Text(self.value_text(field), end="")
            if suggested:
                value.append(_(" (suggested)"), style="dim")
            grid.add_row(Text(_(title)), Text(key), value)
        return grid

    def broken(self) -> list[BrokenRule]:
        found = broken_rules(
            [self.edit.person],
            [],
            [],
            self.referral.officer,
            self.referral.agencies,
            self.codes,
        )
        return [BrokenRule(b.rule, self.number) for b in found]

    def show(self) -> None:
        self.query_one("#person-fields", Static).update(self.fields_text())
        broken = self.broken()
        rules = self.query_one("#person-rules", Static)
        rules.update(
            rules_shown(broken) if broken else Text(_("No referral rule broken."), style="dim")
        )

    def change(self, **fields: object) -> None:
        """Set fields of the person; the suggestions follow unless chosen."""
        person = replace(self.edit.person, **fields)  # type: ignore[arg-type]
        self.edit = replace(self.edit, person=person).suggested(self.referral)
        self.show()

    # -- keys --------------------------------------------------------------------------

    def action_sign(self, index: int) -> None:
        signs = self.query_one("#person-signs", CodeChecklist)
        signs.action_toggle_nth(index)
        self.change(signs=tuple(signs.chosen))  # now, not when its message comes: keys typed
        # ahead (a sign, then enter) must find it ticked

    def on_code_checklist_selected_changed(self, event: CodeChecklist.SelectedChanged) -> None:
        self.change(signs=tuple(event.checklist.chosen))

    def action_gender(self, gender: str) -> None:
        genders = self.codes["genders"]
        self.change(gender=gender if gender in genders else genders.ids[0])

    def action_cycle(self, field: str, step: int) -> None:
        person = self.edit.person
        if field == "by":
            members = self.referral.members()
            at = members.index(person.by) if person.by in members else -1
            self.edit = replace(self.edit, by_chosen=True)
            self.change(by=members[(at + step) % len(members)])
            return
        current = getattr(person, field)
        if field == "language" and current is None:
            current = self.language
        value = cycled(self.codes[LISTS[field]], current, step, DEFAULTS.get(field))
        if field == "route":
            self.edit = replace(self.edit, route_chosen=True)
        self.change(**{field: value})

    def on_input_changed(self, event: Input.Changed) -> None:
        ref = event.value.strip() or None
        self.edit = replace(self.edit, person=replace(self.edit.person, ref=ref))
        self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_done()

    def action_done(self, save: bool = False) -> None:
        self.dismiss(PersonDone(self.edit, save))

    def action_back(self) -> None:
        self.dismiss(None)
