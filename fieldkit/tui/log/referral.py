"""A person's referral as the form suggests it: the route and the referring officer follow from
the age band, the signs and the consent until the officer chooses them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from fieldkit.codes import CodeBook, CodeList
from fieldkit.codes.rules import CHILD, BrokenRule, broken_rules, flagged
from fieldkit.field.loadout import Loadout
from fieldkit.model import Person

ROUTE_OUTCOMES = {
    "nrm": "nrm_referral",
    "duty_to_notify": "duty_to_notify",
    "safeguarding": "safeguarding_referral",
    "partner_support": "referred_to_partner",
}
"""The outcome ("what was done") a person's route adds to the engagement, when the list has it."""

ROUTES_WITH_REFERRER = frozenset({"nrm", "duty_to_notify", "safeguarding", "partner_support"})
"""Routes that name the officer who made the referral."""


def cycled(codes: CodeList, current: str | None, step: int, default: str | None) -> str:
    """The next code of `codes` after `current` (`step` 1) or before it (-1).

    The default sits last in the cycle, so the first press from it gives the list's first other
    code: from consent "not asked" one press is "consents", from route "no referral" it is
    "referred to the NRM", from age "not known" it is "under 18".
    """
    order = [c for c in codes.ids if c != default]
    if default is not None and default in codes:
        order.append(default)
    at = order.index(current) if current in order else len(order) - 1
    return order[(at + step) % len(order)]


@dataclass(frozen=True)
class Referral:
    """Who on the team may refer whom: the logging officer and every member's agency."""

    officer: str
    agencies: Mapping[str, str]
    responders: frozenset[str]
    authorities: frozenset[str]

    @classmethod
    def of(cls, loadout: Loadout, officer: str) -> Referral:
        codes: CodeBook = loadout.codes
        return cls(
            officer,
            {m.id: m.agency for m in loadout.members},
            flagged(codes, "first_responder"),
            flagged(codes, "specified_authority"),
        )

    def route(self, person: Person) -> str:
        """Under 18 with a sign: the NRM. An adult with a sign: the NRM when they consent, the
        Duty to Notify when they do not and the officer's agency is a specified authority."""
        if not person.signs:
            return "none"
        if person.age_band == CHILD or person.consent == "yes":
            return "nrm"
        if self.agencies.get(self.officer) in self.authorities:
            return "duty_to_notify"
        return "none"

    def referrer(self, route: str) -> str | None:
        """The logging officer when their agency may make the referral, else the first member
        of the team whose agency may; nobody for no referral."""
        if route not in ROUTES_WITH_REFERRER:
            return None
        allowed = {"nrm": self.responders, "duty_to_notify": self.authorities}.get(route)
        if allowed is None or self.agencies.get(self.officer) in allowed:
            return self.officer
        return next((m for m, agency in self.agencies.items() if agency in allowed), self.officer)

    def members(self) -> list[str]:
        return list(self.agencies)


@dataclass(frozen=True)
class PersonEdit:
    """A person being written, and which of the suggested fields the officer chose."""

    person: Person
    route_chosen: bool = False
    by_chosen: bool = False

    def suggested(self, referral: Referral) -> PersonEdit:
        """The route and referrer as suggested, where the officer has not chosen them."""
        person = self.person
        if not self.route_chosen:
            person = replace(person, route=referral.route(person))
        if not self.by_chosen:
            person = replace(person, by=referral.referrer(person.route))
        return replace(self, person=person)


def broken_for(
    persons: list[Person],
    indicators: list[str],
    outcomes: list[str],
    referral: Referral,
    codes: CodeBook,
) -> list[BrokenRule]:
    """The referral rules the engagement as written breaks (fieldkit/codes/rules.py)."""
    return broken_rules(persons, indicators, outcomes, referral.officer, referral.agencies, codes)
