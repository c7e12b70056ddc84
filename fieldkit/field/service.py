"""What the CLI, the app and the demo call on a device: log and amend engagements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fieldkit.field.device import Device
from fieldkit.field.draft import Draft, DraftError
from fieldkit.field.gps import FixState, current_fix, place
from fieldkit.field.roster import partners_present
from fieldkit.model import Engagement, Person, RecordError
from fieldkit.model.people import PersonEdit

Locate = Callable[[], FixState]


@dataclass(frozen=True)
class Logged:
    """An engagement stored on the device (a new one or an amendment) and its sync state;
    `gps` is what the receiver gave when a new one was placed (None: not asked)."""

    record: Engagement
    sync: str = "pending"
    gps: FixState | None = None

    @property
    def amends(self) -> str | None:
        """The record this one corrects, if it is an amendment."""
        return self.record.amends


def save_engagement(device: Device, draft: Draft, locate: Locate = current_fix) -> Logged:
    """Check, chain, sign and store a draft (an amendment when it names the record it amends).

    A new engagement with no position typed in is placed where the GPS receiver says (gpsd,
    FIELDKIT_GPSD), else at its venue; the record says which (`position_source`).
    """
    state = None
    if draft.amends is None and draft.lat is None and draft.lon is None:
        state = locate()
        place(draft, state)
    return Logged(device.save(draft), gps=state)


def log_engagement(device: Device, changes: dict[str, Any], locate: Locate = current_fix) -> Logged:
    """`fieldkit log add`: a draft prefilled from the current assignment (or from the visit
    named in `changes`), with `changes` set, stored. Partners present are the team's roster
    that day and the officer logging (`partners_present`), unless `changes` names them."""
    draft = device.prefill(changes.get("time"))
    if "visit" in changes:
        chosen = device.loadout.assignment(changes["visit"])
        if chosen is not None:
            venue = device.loadout.venues[chosen.venue]
            draft.update(venue=venue.id, venue_type=venue.type)
    elif changes.get("venue", draft.venue) != draft.venue or "lat" in changes:
        draft.update(visit=None, venue=None, venue_type=None)
    draft.update(**changes)
    if "partners" not in changes:
        draft.partners = partners_present(device.loadout, draft.time, draft.officer)
    if "venue" in changes and "venue_type" not in changes:
        draft.venue_type = None  # taken from the venue
    return save_engagement(device, draft, locate)


def amend_engagement(
    device: Device,
    record_id: str,
    changes: dict[str, Any],
    person_edits: Sequence[PersonEdit] = (),
) -> Logged:
    """`fieldkit log amend`: a new version of the record with `changes` and each person named
    in `person_edits` changed in place (the others kept); the old version stays. The rules are
    checked on the result: DraftError (nothing stored) when it breaks one."""
    draft = device.draft_of(record_id)
    if "lat" in changes or "lon" in changes:
        draft.position_source = None  # a position typed in by hand
    if person_edits:
        draft.persons = edit_persons(draft.persons, person_edits, draft.amends or record_id)
    return Logged(device.save(draft.update(**changes)))


def edit_persons(
    persons: Sequence[Person], edits: Sequence[PersonEdit], record_id: str
) -> list[Person]:
    """The persons with each edit applied in turn; DraftError naming an edit of no person."""
    out = list(persons)
    for edit in edits:
        if not out:
            raise DraftError(
                f"person {edit.number}: record {record_id[-8:]} holds no person met one to one"
            )
        if edit.number > len(out):
            raise DraftError(
                f"person {edit.number}: the record holds {len(out)} "
                f"person{'s' if len(out) > 1 else ''} met one to one (1 to {len(out)})"
            )
        try:
            out[edit.number - 1] = edit.apply(out[edit.number - 1])
        except RecordError as exc:
            raise DraftError(str(exc)) from None
    return out
