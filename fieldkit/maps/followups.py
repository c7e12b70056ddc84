"""Where a referred person's follow-up status comes from, for the report and the partner share.

THE SEAM: `read_follow_ups` is the one place that reads follow-up statuses from central. Until
central records follow-up events it returns none, and every referred person counts as
`referred`. When central's follow-ups are in (fieldkit/central/followups.py), it becomes:

    with Central(central_db) as store:
        return [
            FollowUp(f.record, f.person, f.status, f.events[-1].partner if f.events else None)
            for f in follow_ups(store, operations, open_only=False)
            if f.kind == "person" and f.person is not None
        ]

A person is known by the original id of the record that met them (an amendment keeps its
original's) and their place in it, from 1; nothing else here changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fieldkit.codes import Code, CodeBook

#: The status of a referral nothing has been recorded about since the day it was made.
REFERRED = "referred"
#: A status that names the partner who helped (e.g. ANITP for a return home).
RETURNED_HOME = "returned_home_assisted"
#: The routes that make a referral (every route but `none`).
REFERRAL_ROUTES = ("nrm", "duty_to_notify", "safeguarding", "partner_support")
#: The code list of follow-up statuses, once central's follow-ups put it in codes.yaml.
STATUS_LIST = "followup_statuses"

#: Labels of the statuses while codes.yaml has no STATUS_LIST (the list's labels win).
_STATUS_LABELS = (
    Code(REFERRED, "Referred, no decision yet", "Referit, fără decizie încă"),
    Code(
        "reasonable_grounds_positive",
        "Reasonable grounds: positive",
        "Motive rezonabile: decizie pozitivă",
    ),
    Code(
        "reasonable_grounds_negative",
        "Reasonable grounds: negative",
        "Motive rezonabile: decizie negativă",
    ),
    Code(
        "conclusive_grounds_positive",
        "Conclusive grounds: positive",
        "Motive concludente: decizie pozitivă",
    ),
    Code(
        "conclusive_grounds_negative",
        "Conclusive grounds: negative",
        "Motive concludente: decizie negativă",
    ),
    Code("support_accepted", "Support accepted", "Sprijin acceptat"),
    Code("support_declined", "Support declined", "Sprijin refuzat"),
    Code(
        RETURNED_HOME,
        "Returned home with a partner's help",
        "Întors acasă cu ajutorul unui partener",
    ),
)


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
    """THE SEAM (see the module docstring): no follow-up events at central yet, so none."""
    return []


def current_follow_ups(
    referred: Iterable[PersonKey], recorded: Iterable[FollowUp]
) -> dict[PersonKey, FollowUp]:
    """Each referred person's follow-up: the one recorded, else `referred`."""
    known: Mapping[PersonKey, FollowUp] = {f.key: f for f in recorded}
    return {p: known.get(p) or FollowUp(p[0], p[1], REFERRED) for p in referred}


def status_label(codes: CodeBook, status: str) -> Code:
    """A status with its English and Romanian labels (codes.yaml's once it has them)."""
    listed = codes.lists.get(STATUS_LIST)
    found = listed.get(status) if listed is not None else None
    if found is None:
        found = next((c for c in _STATUS_LABELS if c.code == status), None)
    return found or Code(status, status.replace("_", " "), status.replace("_", " "))
