"""The engagement form's parts, top to bottom: the status line, the crowd, the persons, the
signs and outcomes, language, references and notes, time and venue, partners."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Select, Static

from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.i18n import N_, _, both
from fieldkit.tui.as_written import as_written
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.describe import hhmm, pending_text
from fieldkit.tui.log.keymap import OUTCOME_KEY
from fieldkit.tui.log.people import HINT, PeoplePicker
from fieldkit.tui.log.persons import PersonsList

NO_PERSONS = N_("none yet: p adds a person met one to one (signs, consent, referral)")


class TickBox(Checkbox):
    """A checkbox whose tick shows without colour, as the checklists' do: ☒ ticked, ☐ not."""

    BUTTON_LEFT = ""
    BUTTON_RIGHT = ""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "☒" if self.value else "☐"
        return super()._button


def compose_status(device: Device, amending: bool) -> ComposeResult:
    """New or amended, and the outbox counter."""
    with Horizontal(classes="log-status"):
        title = (
            _("Amend an engagement (saved as a new version)")
            if amending
            else _("Log an engagement")
        )
        yield Static(title, id="form-title", classes="status")
        yield Static(pending_text(device), id="pending", classes="pending", markup=False)


def compose_people(device: Device, draft: Draft) -> ComposeResult:
    """The crowd in numbers (never names), then the persons met one to one."""
    codes = device.loadout.codes
    yield Static(_("Crowd (numbers only, never names)"), classes="section-title")
    with Horizontal(classes="row"):
        yield PeoplePicker(codes, draft.people, id="people")
        yield Static(_("how many (#)"), classes="count-label")
        yield Input(
            str(draft.people[-1].count) if draft.people else "",
            type="integer",
            id="count",
            max_length=4,
            compact=True,
        )
    yield Static(_(HINT), classes="hint", markup=False)
    yield Static(
        _("Persons met one to one (p adds, e edits, ctrl+d removes)"), classes="section-title"
    )
    yield PersonsList(codes, id="persons")
    yield Static(_(NO_PERSONS), id="no-persons", classes="hint", markup=False)


def compose_checklists(device: Device, draft: Draft) -> ComposeResult:
    """Signs seen and what was done, side by side, then any rule the engagement breaks."""
    codes = device.loadout.codes
    with Horizontal(id="checklists"):
        with Vertical(id="indicators-box"):
            yield Static(_("Signs seen (1…0 or space)"), classes="section-title")
            yield CodeChecklist(codes.indicators, draft.indicators, id="indicators", compact=True)
        with Vertical(id="outcomes-box"):
            yield Static(_("What was done (o then 1…0)"), classes="section-title")
            yield CodeChecklist(
                codes.outcomes, draft.outcomes, id="outcomes", prefix=OUTCOME_KEY, compact=True
            )
    yield Static(id="rules")


def compose_details(device: Device, draft: Draft) -> ComposeResult:
    """Language and interpreter, the references and notes (sensitive), time and venue,
    partners present."""
    codes, venues = device.loadout.codes, device.loadout.venues
    languages = codes["languages"]
    with Horizontal(classes="row first"):
        yield Static(_("Language (l)"), classes="label")
        yield Select(
            [(as_written(both(c)), c.code) for c in languages],
            prompt=_("not recorded"),
            value=draft.language if draft.language in languages else Select.NULL,
            id="language",
            compact=True,
        )
        yield TickBox(_("Interpreter used (i)"), draft.interpreter, id="interpreter", compact=True)
    with Horizontal(classes="row"):
        yield Static(_("Referral ref."), classes="label")
        yield Input(
            draft.referral_ref or "",
            placeholder=_("e.g. an NRM number"),
            id="referral",
            max_length=64,
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Static(_("Notes (sensitive)"), classes="label")
        yield Input(
            draft.notes or "",
            placeholder=_("never on maps or in exports; no names"),
            id="notes",
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Static(_("Time · venue"), classes="label")
        yield Input(hhmm(draft.time.astimezone(device.zone)), id="time", compact=True)
        yield Select(
            [(as_written(v.name), v.id) for v in venues.values()],
            prompt=_("Venue"),
            value=draft.venue if draft.venue in venues else Select.NULL,
            id="venue",
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Static(_("Partners present"), classes="label")
        yield CodeChecklist(
            codes.partners, draft.partners, id="partners", numbered=False, compact=True
        )
