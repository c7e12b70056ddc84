"""What an officer fills in before saving (a Draft), checked against the loadout's code lists."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from fieldkit.codes import CodeBook, CodeList, did_you_mean
from fieldkit.codes.rules import broken_rules
from fieldkit.errors import UserError, quote
from fieldkit.field.loadout import Loadout
from fieldkit.model import NOTES_MAX, REFERRAL_REF_MAX, PeopleGroup, Person

#: Persons met one to one in one engagement.
PERSONS_MAX = 100


class DraftError(UserError):
    """An engagement that cannot be saved as given: unknown codes, no place, bad numbers."""


@dataclass
class Draft:
    """An engagement being written: every field an officer can set, prefilled where possible."""

    officer: str
    time: datetime
    venue_type: str | None = None
    visit: str | None = None
    venue: str | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    people: list[PeopleGroup] = field(default_factory=list)
    language: str | None = None
    interpreter: bool = False
    partners: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    referral_ref: str | None = None
    notes: str | None = None
    persons: list[Person] = field(default_factory=list)
    amends: str | None = None
    position_source: str | None = None

    def update(self, **changes: Any) -> Draft:
        """Set the given fields (None means 'not given', except for explicit clears)."""
        names = {f.name for f in fields(self)}
        for name, value in changes.items():
            if name not in names:
                raise TypeError(f"a draft has no field {name!r}")
            setattr(self, name, value)
        return self


def check_draft(draft: Draft, loadout: Loadout) -> None:
    """Raise DraftError naming every problem, with the valid codes for each unknown one."""
    problems = _who_and_when(draft, loadout)
    problems += _where(draft, loadout)
    problems += _codes(draft, loadout.codes)
    problems += _persons(draft, loadout)
    if draft.referral_ref is not None and len(draft.referral_ref) > REFERRAL_REF_MAX:
        problems.append(f"a referral reference is at most {REFERRAL_REF_MAX} characters")
    if draft.notes is not None and len(draft.notes) > NOTES_MAX:
        problems.append(f"notes are at most {NOTES_MAX} characters ({len(draft.notes)} given)")
    unique = list(dict.fromkeys(problems))
    if len(unique) == 1:
        raise DraftError(unique[0])
    if unique:
        raise DraftError("\n".join(f"fieldkit: {p}" for p in unique))


def _who_and_when(draft: Draft, loadout: Loadout) -> list[str]:
    """The officer is of the team, the time has an offset, the visit is one of the team's."""
    problems = []
    if loadout.member(draft.officer) is None:
        ids = [m.id for m in loadout.members]
        problems.append(
            f"officer {quote(draft.officer)} is not in team {loadout.team}"
            f"{did_you_mean(draft.officer, ids)}; "
            f"team members: {', '.join(ids)}"
        )
    if draft.time.tzinfo is None:
        problems.append("the time needs a UTC offset (e.g. 2023-09-26T19:30+01:00)")
    if draft.visit is not None and loadout.assignment(draft.visit) is None:
        visits = [a.visit for a in loadout.assignments]
        problems.append(
            f"unknown visit {quote(draft.visit)}{did_you_mean(draft.visit, visits)}; this team's "
            f"visits: {', '.join(visits) or '(none)'}"
        )
    return problems


def _where(draft: Draft, loadout: Loadout) -> list[str]:
    """A known venue or a whole position on the globe, a sane accuracy, a kind of place."""
    problems = []
    if draft.venue is not None and draft.venue not in loadout.venues:
        problems.append(
            f"unknown venue {quote(draft.venue)}{did_you_mean(draft.venue, loadout.venues)}; "
            f"valid venues: {', '.join(loadout.venues)}"
        )
    if draft.venue is None and (draft.lat is None or draft.lon is None):
        problems.append("say where: a venue (--venue ID) or a position (--lat and --lon)")
    if (draft.lat is None) != (draft.lon is None):
        problems.append("give both --lat and --lon, or neither")
    if draft.lat is not None and not -90 <= draft.lat <= 90:
        problems.append(f"latitude {draft.lat} is outside -90..90")
    if draft.lon is not None and not -180 <= draft.lon <= 180:
        problems.append(f"longitude {draft.lon} is outside -180..180")
    if draft.accuracy_m is not None and not 0 <= draft.accuracy_m <= 100_000:
        problems.append(f"accuracy {draft.accuracy_m} m is not between 0 and 100000 metres")
    if draft.venue_type is None:
        kinds = ", ".join(loadout.codes.venue_types.ids)
        problems.append(f"say what kind of place: --venue-type, one of {kinds}")
    return problems


def _codes(draft: Draft, codes: CodeBook) -> list[str]:
    """Every code of the draft is in the loadout's lists; people counts are sane."""
    problems: list[str] = []

    def code(kind: str, plural: str, value: str | None, valid: CodeList) -> None:
        if value is not None and value not in valid:
            problems.append(
                f"unknown {kind} {quote(value)}{did_you_mean(value, valid.ids)}; "
                f"valid {plural}: {', '.join(valid.ids)}"
            )

    code("venue type", "venue types", draft.venue_type, codes.venue_types)
    code("language", "languages", draft.language, codes["languages"])
    for partner in draft.partners:
        code("partner", "partners", partner, codes.partners)
    for indicator in draft.indicators:
        code("indicator", "indicators", indicator, codes.indicators)
    for outcome in draft.outcomes:
        code("outcome", "outcomes", outcome, codes.outcomes)
    for group in draft.people:
        code("gender", "genders", group.gender, codes["genders"])
        code("age band", "age bands", group.age_band, codes["age_bands"])
        code("nationality", "nationalities", group.nationality, codes["nationalities"])
        if not 0 <= group.count <= 1000:
            problems.append(f"people count {group.count} is not between 0 and 1000")
    return problems


def _persons(draft: Draft, loadout: Loadout) -> list[str]:
    """Each person's codes and referrer are known; then the referral rules, each named in
    English and Romanian (fieldkit/codes/rules.py)."""
    codes, problems = loadout.codes, []
    if len(draft.persons) > PERSONS_MAX:
        problems.append(f"at most {PERSONS_MAX} persons in one engagement")
    members = [m.id for m in loadout.members]
    for n, person in enumerate(draft.persons, start=1):
        where = f"person {n}: "
        for kind, plural, value, valid in (
            ("gender", "genders", person.gender, codes["genders"]),
            ("age band", "age bands", person.age_band, codes["age_bands"]),
            ("nationality", "nationalities", person.nationality, codes["nationalities"]),
            ("language", "languages", person.language, codes["languages"]),
            ("consent", "consent codes", person.consent, codes["consent"]),
            ("route", "routes", person.route, codes["routes"]),
            ("interpreter", "interpreter codes", person.interpreter, codes["interpreters"]),
        ):
            if value is not None and value not in valid:
                problems.append(
                    f"{where}unknown {kind} {quote(value)}{did_you_mean(value, valid.ids)}; "
                    f"valid {plural}: {', '.join(valid.ids)}"
                )
        for sign in person.signs:
            if sign not in codes.indicators:
                problems.append(
                    f"{where}unknown sign {quote(sign)}{did_you_mean(sign, codes.indicators.ids)}"
                    f"; valid signs: {', '.join(codes.indicators.ids)}"
                )
        if person.by is not None and person.by not in members:
            problems.append(
                f"{where}the referral was made by {quote(person.by)}, who is not in team "
                f"{loadout.team}{did_you_mean(person.by, members)}; team members: "
                f"{', '.join(members)}"
            )
        if person.ref is not None and len(person.ref) > REFERRAL_REF_MAX:
            problems.append(f"{where}a referral reference is at most {REFERRAL_REF_MAX} characters")
    if problems:
        return problems
    agencies = {m.id: m.agency for m in loadout.members}
    found = broken_rules(
        draft.persons, draft.indicators, draft.outcomes, draft.officer, agencies, codes
    )
    for rule in found:
        problems += [f"{rule.en} [{rule.rule}]", f"{rule.ro} [{rule.rule}]"]
    return problems
