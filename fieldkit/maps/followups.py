"""Where a referred person's follow-up status comes from, for the report and the partner share.

`read_follow_ups` is the one place that reads follow-up statuses from central
(fieldkit/central/followups.py). A person is known by the original id of the record that met
them (an amendment keeps its original's) and their place in it, from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fieldkit.central.followups import PERSON, FollowUpEvent, follow_ups
from fieldkit.central.store import Central
from fieldkit.codes import Code, CodeBook
from fieldkit.codes.followups import REFERRED, REFERRING_ROUTES

#: A status that names the partner who helped (e.g. ANITP for a return home).
RETURNED_HOME = "returned_home_assisted"
#: The code list of follow-up statuses in codes.yaml.
STATUS_LIST = "followup_statuses"
#: The routes that make a referral (every route but `none`).
REFERRAL_ROUTES = REFERRING_ROUTES


#: A person: the original id of the record that met them and their place in it, from 1.
PersonKey = tuple[str, int]


@dataclass(frozen=True)
class FollowUp:
    """A referred person's current follow-up status (and the partner who helped, if any).

    `record` is the original id of the record that met the person, `person` their place in
    it, from 1."""

    record: str
    person: int
    status: str
    partner: str | None = None

    @property
    def key(self) -> PersonKey:
        return (self.record, self.person)


#: Reads the current follow-up of each person of the operations named, from central's store.
FollowUpSource = Callable[[Path, frozenset[str]], Iterable[FollowUp]]


def read_follow_ups(central_db: Path, operations: frozenset[str]) -> list[FollowUp]:
    """The current follow-up status of each referred person with a status recorded at central
    since the referral (none without a store); the others stay `referred`."""
    if not central_db.exists():
        return []
    with Central(central_db) as store:
        return [
            FollowUp(f.record, f.person, f.status, _helper(f.events))
            for f in follow_ups(store, operations, open_only=False)
            if f.kind == PERSON and f.person is not None and f.events
        ]


def _helper(events: tuple[FollowUpEvent, ...]) -> str | None:
    """The partner named by the latest event that names one (e.g. ANITP for a return home)."""
    return next((e.partner for e in reversed(events) if e.partner), None)


def current_follow_ups(
    referred: Iterable[PersonKey], recorded: Iterable[FollowUp]
) -> dict[PersonKey, FollowUp]:
    """Each referred person's follow-up: the one recorded, else `referred`."""
    known: Mapping[PersonKey, FollowUp] = {f.key: f for f in recorded}
    return {p: known.get(p) or FollowUp(p[0], p[1], REFERRED) for p in referred}


def status_label(codes: CodeBook, status: str) -> Code:
    """A status with its English and Romanian labels from codes.yaml's follow-up statuses."""
    found = codes.lists[STATUS_LIST].get(status) if STATUS_LIST in codes.lists else None
    return found or Code(status, status.replace("_", " "), status.replace("_", " "))
