"""The engagement form's saving: the form read into a draft, the rules and the operation's
dates checked, then stored on the device in a worker."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Select

from fieldkit.codes.rules import BrokenRule
from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.field.service import save_engagement
from fieldkit.i18n import _
from fieldkit.model import Engagement, Person
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.confirm_time import ConfirmTime
from fieldkit.tui.log.describe import plain
from fieldkit.tui.log.keymap import drops_outcome
from fieldkit.tui.log.people import PeoplePicker
from fieldkit.tui.log.persons import PersonsList, rules_refusal

TIME = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")

SAVE_GROUP = "save"
"""The workers that store an engagement; quitting waits for them."""


class FormSaving(Screen[Engagement | None]):
    """What ctrl+s does in the engagement form (EngagementForm holds the fields)."""

    device: Device
    draft: Draft
    amending: bool
    saving: bool
    cancel_armed: bool

    if TYPE_CHECKING:  # EngagementForm's own: it holds the fields and shows them

        def current_persons(self) -> list[Person]: ...

        def show_persons(self) -> list[BrokenRule]: ...

        def typed_count(self) -> None: ...

        def show_error(self, message: str) -> None: ...

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
        self.typed_count()
        draft = self.place(self.draft)
        if draft.venue is None and (draft.lat is None or draft.lon is None):
            raise UserError(_("Choose the venue before saving."))
        typed = self.query_one("#time", Input).value.strip()
        match = TIME.match(typed)
        if match is None:
            raise UserError(
                _('The time "{typed}" is not a time of day: write it as HH:MM, e.g. 19:30.').format(
                    typed=typed
                )
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
            persons=self.current_persons(),
            indicators=self.query_one("#indicators", CodeChecklist).chosen,
            outcomes=self.query_one("#outcomes", CodeChecklist).chosen,
            partners=self.query_one("#partners", CodeChecklist).chosen,
            language=language if isinstance(language, str) else None,
            interpreter=self.query_one("#interpreter", Checkbox).value,
            referral_ref=self.query_one("#referral", Input).value.strip() or None,
            notes=self.query_one("#notes", Input).value.strip() or None,
        )

    @drops_outcome
    def action_save(self) -> None:
        if self.saving:
            return
        self.cancel_armed = False
        try:
            draft = self.collect()
        except UserError as exc:
            self.refused(plain(str(exc)))
            return
        broken = self.show_persons()
        if broken:
            self.refused(rules_refusal(broken))
            first = broken[0].person
            if first is not None:
                listing = self.query_one(PersonsList)
                listing.highlighted = first - 1
                listing.focus()
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
        self.show_error(_("Not saved yet: correct the time, then save."))

    def _save(self, draft: Draft) -> None:
        self.saving = True
        self.show_error(_("Saving…"))
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
                _(
                    "Not saved: something went wrong ({problem}). "
                    "Nothing was changed; the form is still here."
                ).format(problem=f"{type(exc).__name__}: {exc}"),
            )
        else:
            self.app.call_from_thread(self.dismiss, record)

    def refused(self, message: str) -> None:
        self.saving = False
        self.show_error(_("Not saved. {why}").format(why=message))
        self.notify(message, title=_("Not saved"), severity="error", timeout=8, markup=False)
