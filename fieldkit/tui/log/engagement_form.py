"""The engagement form: prefilled from the current visit (or from the record being amended)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, OptionList, Select, Static

from fieldkit.codes.rules import BrokenRule
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.i18n import _
from fieldkit.model import Person
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.describe import draft_context
from fieldkit.tui.log.form_parts import (
    compose_checklists,
    compose_details,
    compose_people,
    compose_status,
)
from fieldkit.tui.log.form_saving import FormSaving
from fieldkit.tui.log.keymap import OUTCOME_KEY, drops_outcome, form_bindings
from fieldkit.tui.log.people import PeoplePicker
from fieldkit.tui.log.person_form import PersonDone, PersonForm
from fieldkit.tui.log.persons import PersonsList, rules_shown
from fieldkit.tui.log.referral import ROUTE_OUTCOMES, PersonEdit, Referral, broken_for, cycled
from fieldkit.tui.registry import HOME
from fieldkit.tui.translated import TranslatedBindings

BLOCKED_APP_KEYS = HOME.key
"""Mode keys that would leave the form when no field takes them (the digits tick signs here):
here they do nothing."""


class EngagementForm(TranslatedBindings, FormSaving):
    """One engagement: the crowd, the persons met one to one, signs seen and what was done;
    ctrl+s saves it on the device. Keys: fieldkit/tui/log/keymap.py."""

    CSS_PATH = "log.tcss"
    AUTO_FOCUS = "#indicators"
    BINDINGS: ClassVar[list[BindingType]] = [
        *form_bindings(),
        Binding(BLOCKED_APP_KEYS, "nothing", show=False),
    ]

    def __init__(self, device: Device, draft: Draft, *, amending: bool = False) -> None:
        super().__init__()
        self.device = device
        self.draft = draft
        self.amending = amending
        self.saving = False
        self.cancel_armed = False
        self.outcome_next = False
        """`o` was the form's last key: a digit now ticks an outcome (any other key of the
        form's drops it)."""
        self.referral = Referral.of(device.loadout, draft.officer)
        # A recorded person's route and referrer are as the officer chose them.
        self.persons = [PersonEdit(p, True, True) for p in draft.persons]
        self.sub_title = _("Log · amend engagement") if amending else _("Log · new engagement")

    def compose(self) -> ComposeResult:
        yield Header()
        yield from compose_status(self.device, self.amending)
        with VerticalScroll(id="form"):
            yield Static(draft_context(self.draft, self.device.loadout), id="context", markup=False)
            yield from compose_people(self.device, self.draft)
            yield from compose_checklists(self.device, self.draft)
            yield from compose_details(self.device, self.draft)
            with Horizontal(classes="row"):
                yield Static("", id="error", markup=False)
                yield Button(_("Save (ctrl+s)"), id="save", variant="primary", compact=True)
        yield Footer(show_command_palette=False)  # room for the form's keys (ctrl+p works)

    def on_mount(self) -> None:
        self.show_persons()

    # -- the referral rules, as the officer goes -----------------------------------------

    def broken(self) -> list[BrokenRule]:
        return broken_for(
            self.current_persons(),
            self.query_one("#indicators", CodeChecklist).chosen,
            self.query_one("#outcomes", CodeChecklist).chosen,
            self.referral,
            self.device.loadout.codes,
        )

    def show_persons(self) -> list[BrokenRule]:
        """The persons with the rules each breaks, and the engagement's own; returns them all."""
        broken = self.broken()
        self.query_one(PersonsList).show(self.current_persons(), broken)
        self.query_one("#no-persons").display = not self.persons
        own = [b for b in broken if b.person is None]
        rules = self.query_one("#rules", Static)
        rules.update(rules_shown(own) if own else "")
        rules.display = bool(own)
        return broken

    def on_code_checklist_selected_changed(self) -> None:
        self.show_persons()

    def current_persons(self) -> list[Person]:
        """The persons as they will be saved: each speaks the engagement's language unless
        their form says otherwise."""
        language = self.language()
        return [
            e.person if e.person.language else replace(e.person, language=language)
            for e in self.persons
        ]

    def language(self) -> str | None:
        chosen = self.query_one("#language", Select).value
        return chosen if isinstance(chosen, str) else None

    # -- keys (one meaning each, whatever has focus) -------------------------------------

    def outcome_pending(self) -> bool:
        """Was the form's key before this one `o`? (It applies once.)"""
        pending, self.outcome_next = self.outcome_next, False
        return pending

    @drops_outcome
    def action_nothing(self) -> None:
        """Swallow a mode key so a stray press never leaves the form."""

    def action_sign(self, index: int) -> None:
        """A digit: sign N, or outcome N right after `o`."""
        if self.outcome_pending():
            self.show_error("")
            self.query_one("#outcomes", CodeChecklist).action_toggle_nth(index)
        else:
            self.query_one("#indicators", CodeChecklist).action_toggle_nth(index)

    def action_outcome_next(self) -> None:
        self.outcome_next = True
        self.show_error(
            _("{key}: now the outcome's number (o1 … o0 in What was done).").format(key=OUTCOME_KEY)
        )

    @drops_outcome
    def action_tally(self, gender: str) -> None:
        self.query_one(PeoplePicker).tally(gender)
        self.show_count()

    @drops_outcome
    def action_another_group(self) -> None:
        self.query_one(PeoplePicker).another_group()
        self.show_count()

    @drops_outcome
    def action_count(self, step: int) -> None:
        picker = self.query_one(PeoplePicker)
        picker.set_count(picker.last_count + step)
        self.show_count()

    @drops_outcome
    def action_cycle(self, field: str, step: int) -> None:
        if field != "language":
            self.query_one(PeoplePicker).cycle(field, step)
            return
        select = self.query_one("#language", Select)
        codes = self.device.loadout.codes["languages"]
        select.value = cycled(codes, self.language(), step, None)

    @drops_outcome
    def action_interpreter(self) -> None:
        self.query_one("#interpreter", Checkbox).toggle()

    @drops_outcome
    def action_how_many(self) -> None:
        self.query_one("#count", Input).focus()

    def show_count(self) -> None:
        """The last group's count in the how-many field (at once: keys typed ahead follow)."""
        count = self.query_one("#count", Input)
        last = self.query_one(PeoplePicker).last_count
        count.value = str(last) if last else ""

    def typed_count(self) -> None:
        """A count typed in the how-many field sets the last group's (while it is typed in:
        a change made by the keys has already set both)."""
        count = self.query_one("#count", Input)
        if count.has_focus and count.value.isdigit():
            self.query_one(PeoplePicker).set_count(int(count.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "count":
            self.typed_count()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "count":
            self.typed_count()
            self.query_one("#indicators").focus()

    # -- persons -------------------------------------------------------------------------

    @drops_outcome
    def action_add_person(self) -> None:
        blank = Person(gender="other", age_band="unknown", nationality="unknown")
        self.open_person(len(self.persons) + 1, PersonEdit(blank))

    @drops_outcome
    def action_edit_person(self) -> None:
        at = self.query_one(PersonsList).highlighted
        if at is not None and at < len(self.persons):
            self.open_person(at + 1, self.persons[at])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, PersonsList):
            self.action_edit_person()

    @drops_outcome
    def action_remove_person(self) -> None:
        at = self.query_one(PersonsList).highlighted
        if at is not None and at < len(self.persons):
            del self.persons[at]
            self.show_persons()

    def open_person(self, number: int, edit: PersonEdit) -> None:
        names = {m.id: m.name for m in self.device.loadout.members}
        form = PersonForm(
            number,
            edit,
            self.device.loadout.codes,
            self.referral,
            language=self.language(),
            names=names,
        )
        self.app.push_screen(form, lambda done: self.person_done(number, done))

    def person_done(self, number: int, done: PersonDone | None) -> None:
        """Keep the person as written; their route's outcome is ticked in What was done."""
        if done is None:
            return
        if number > len(self.persons):
            self.persons.append(done.edit)
        else:
            self.persons[number - 1] = done.edit
        outcome = ROUTE_OUTCOMES.get(done.edit.person.route)
        outcomes = self.query_one("#outcomes", CodeChecklist)
        if outcome is not None and outcome in self.device.loadout.codes.outcomes:
            outcomes.select(outcome)
        self.show_persons()
        self.query_one(PersonsList).highlighted = number - 1
        if done.save:
            self.action_save()

    def action_cancel(self) -> None:
        if self.outcome_pending():  # o, then escape: no outcome after all
            self.show_error("")
            return
        if self.saving:
            return
        if not self.cancel_armed:
            self.cancel_armed = True
            self.show_error(_("Press Esc again to discard this engagement (nothing is saved)."))
            return
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "venue":
            self.query_one("#context", Static).update(
                draft_context(self.place(self.draft), self.device.loadout)
            )
        if event.select.id == "language":
            self.show_persons()

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
