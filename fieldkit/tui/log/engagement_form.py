"""The engagement form: prefilled from the current visit (or from the record being amended)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static

from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.field.service import save_engagement
from fieldkit.model import Engagement
from fieldkit.tui.as_written import as_written
from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.confirm_time import ConfirmTime
from fieldkit.tui.log.describe import draft_context, hhmm
from fieldkit.tui.log.people import HINT, PeoplePicker
from fieldkit.tui.registry import MODE_KEYS

TIME = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")

SAVE_GROUP = "save"
"""The workers that store an engagement; quitting waits for them."""

BLOCKED_APP_KEYS = MODE_KEYS
"""Mode keys that would leave the form when no field takes them: here they do nothing."""


def plain(message: str) -> str:
    """A UserError's text without the command-line prefix."""
    return "\n".join(line.removeprefix("fieldkit: ") for line in message.splitlines())


class EngagementForm(Screen[Engagement | None]):
    """One engagement: people, signs seen, what was done; ctrl+s saves it on the device."""

    CSS_PATH = "log.tcss"
    AUTO_FOCUS = "#people"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        # Not a priority binding: priority keys are acted on as they arrive, ahead of keys
        # typed before them that are still on their way to the focused widget, so a quick
        # "tab 1 ctrl+s" would save before the sign was ticked. As a screen binding the save
        # comes in turn, after everything typed before it (no widget here takes ctrl+s).
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        Binding(BLOCKED_APP_KEYS, "nothing", show=False),
    ]

    def __init__(self, device: Device, draft: Draft, *, amending: bool = False) -> None:
        super().__init__()
        self.device = device
        self.draft = draft
        self.amending = amending
        self.saving = False
        self.cancel_armed = False
        self.sub_title = "Log · amend engagement" if amending else "Log · new engagement"

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_status()
        with Vertical(id="form"):
            yield Static(draft_context(self.draft, self.device.loadout), id="context", markup=False)
            yield from self.compose_people()
            yield from self.compose_checklists()
            yield from self.compose_language()
            yield from self.compose_referral_and_notes()
            yield from self.compose_time_and_venue()
            yield from self.compose_partners()
            with Horizontal(classes="row"):
                yield Static("", id="error", markup=False)
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Footer()

    # -- the form's parts, top to bottom ---------------------------------------------

    def compose_status(self) -> ComposeResult:
        """New or amended, and the outbox counter."""
        with Horizontal(classes="log-status"):
            title = (
                "Amend an engagement (saved as a new version)"
                if self.amending
                else ("Log an engagement")
            )
            yield Static(title, id="form-title", classes="status")
            yield Static(pending_text(self.device), id="pending", classes="pending", markup=False)

    def compose_people(self) -> ComposeResult:
        """The people engaged, in numbers (never names), and the keys that edit them."""
        codes = self.device.loadout.codes
        yield Static("People engaged (numbers only, never names)", classes="section-title")
        yield PeoplePicker(codes, self.draft.people, id="people", as_recorded=self.amending)
        yield Static(HINT, classes="hint", markup=False)

    def compose_checklists(self) -> ComposeResult:
        """Signs seen and what was done, side by side."""
        codes, draft = self.device.loadout.codes, self.draft
        with Horizontal(id="checklists"):
            with Vertical(id="indicators-box"):
                yield Static("Signs seen (digit or space toggles)", classes="section-title")
                yield CodeChecklist(codes.indicators, draft.indicators, id="indicators")
            with Vertical(id="outcomes-box"):
                yield Static("What was done", classes="section-title")
                yield CodeChecklist(codes.outcomes, draft.outcomes, id="outcomes")

    def compose_language(self) -> ComposeResult:
        """The language spoken and whether an interpreter was used."""
        languages, draft = self.device.loadout.codes["languages"], self.draft
        with Horizontal(classes="row first"):
            yield Static("Language", classes="label")
            yield Select(
                [(as_written(c.both()), c.code) for c in languages],
                prompt="not recorded",
                value=draft.language if draft.language in languages else Select.NULL,
                id="language",
                compact=True,
            )
            yield Checkbox("Interpreter used", draft.interpreter, id="interpreter", compact=True)

    def compose_referral_and_notes(self) -> ComposeResult:
        """A referral's reference and the notes (sensitive: never on maps or in exports)."""
        with Horizontal(classes="row"):
            yield Static("Referral ref.", classes="label")
            yield Input(
                self.draft.referral_ref or "",
                placeholder="e.g. an NRM number",
                id="referral",
                max_length=64,
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Static("Notes (sensitive)", classes="label")
            yield Input(
                self.draft.notes or "",
                placeholder="never on maps or in exports; no names",
                id="notes",
                compact=True,
            )

    def compose_time_and_venue(self) -> ComposeResult:
        """When (HH:MM on the device's clock) and where."""
        venues, draft = self.device.loadout.venues, self.draft
        with Horizontal(classes="row"):
            yield Static("Time · venue", classes="label")
            yield Input(hhmm(draft.time.astimezone(self.device.zone)), id="time", compact=True)
            yield Select(
                [(as_written(v.name), v.id) for v in venues.values()],
                prompt="Venue",
                value=draft.venue if draft.venue in venues else Select.NULL,
                id="venue",
                compact=True,
            )

    def compose_partners(self) -> ComposeResult:
        """The partner agencies present."""
        partners = self.device.loadout.codes.partners
        with Horizontal(classes="row"):
            yield Static("Partners present", classes="label")
            yield CodeChecklist(
                partners, self.draft.partners, id="partners", numbered=False, compact=True
            )

    # -- keys ------------------------------------------------------------------------

    def action_nothing(self) -> None:
        """Swallow a mode key so a stray press never leaves the form."""

    def action_cancel(self) -> None:
        if self.saving:
            return
        if not self.cancel_armed:
            self.cancel_armed = True
            self.show_error("Press Esc again to discard this engagement (nothing is saved).")
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

    # -- saving ----------------------------------------------------------------------

    def place(self, draft: Draft) -> Draft:
        """The draft with the venue chosen in the form (a different venue leaves the visit)."""
        chosen = self.query_one("#venue", Select).value
        venue = chosen if isinstance(chosen, str) else None
        if venue == draft.venue:
            return draft
        loadout = self.device.loadout
        visit = loadout.assignment(draft.visit) if draft.visit else None
        return replace(
            draft,
            venue=venue,
            venue_type=loadout.venues[venue].type if venue in loadout.venues else None,
            visit=draft.visit if visit is not None and visit.venue == venue else None,
        )

    def collect(self) -> Draft:
        """The draft as the form shows it now; raises UserError for what cannot be saved."""
        draft = self.place(self.draft)
        if draft.venue is None and (draft.lat is None or draft.lon is None):
            raise UserError("Choose the venue before saving.")
        typed = self.query_one("#time", Input).value.strip()
        match = TIME.match(typed)
        if match is None:
            raise UserError(
                f'The time "{typed}" is not a time of day: write it as HH:MM, e.g. 19:30.'
            )
        local = draft.time.astimezone(self.device.zone)
        when = local.replace(hour=int(match[1]), minute=int(match[2]), second=0)
        if self.amending and (when.hour, when.minute) == (local.hour, local.minute):
            when = draft.time  # the record's time as it was (the form shows no seconds)
        language = self.query_one("#language", Select).value
        return replace(
            draft,
            time=when,
            people=list(self.query_one(PeoplePicker).groups),
            indicators=self.query_one("#indicators", CodeChecklist).chosen,
            outcomes=self.query_one("#outcomes", CodeChecklist).chosen,
            partners=self.query_one("#partners", CodeChecklist).chosen,
            language=language if isinstance(language, str) else None,
            interpreter=self.query_one("#interpreter", Checkbox).value,
            referral_ref=self.query_one("#referral", Input).value.strip() or None,
            notes=self.query_one("#notes", Input).value.strip() or None,
        )

    def action_save(self) -> None:
        if self.saving:
            return
        self.cancel_armed = False
        try:
            draft = self.collect()
        except UserError as exc:
            self.refused(plain(str(exc)))
            return
        why = self.device.outside_operation(draft.time)
        if why is not None and not (self.amending and draft.time == self.draft.time):
            self.saving = True  # one question at a time: further ctrl+s wait for the answer
            self.app.push_screen(
                ConfirmTime(draft.time.astimezone(self.device.zone), why),
                lambda save: self._confirmed(draft, bool(save)),
            )
            return
        self._save(draft)

    def _confirmed(self, draft: Draft, save: bool) -> None:
        if save:
            self._save(draft)
            return
        self.saving = False
        self.show_error("Not saved yet: correct the time, then save.")

    def _save(self, draft: Draft) -> None:
        self.saving = True
        self.show_error("Saving…")
        self.save_in_thread(draft)

    @work(thread=True, exclusive=True, group=SAVE_GROUP)
    def save_in_thread(self, draft: Draft) -> None:
        """The save is local and quick; a thread keeps the screen live all the same."""
        try:
            record = save_engagement(self.device, draft).record
        except UserError as exc:
            self.app.call_from_thread(self.refused, plain(str(exc)))
        except Exception as exc:  # a bug: say so plainly, keep the form and its contents
            self.app.call_from_thread(
                self.refused,
                f"Not saved: something went wrong ({type(exc).__name__}: {exc}). "
                "Nothing was changed; the form is still here.",
            )
        else:
            self.app.call_from_thread(self.dismiss, record)

    def refused(self, message: str) -> None:
        self.saving = False
        self.show_error(f"Not saved. {message}")
        self.notify(message, title="Not saved", severity="error", timeout=8, markup=False)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)


def pending_text(device: Device) -> str:
    """The always-visible outbox counter."""
    try:
        pending = device.pending_count()
    except UserError:
        return "Pending sync: ?"
    return f"Pending sync: {pending}"
