"""The simulator's persons met one to one: who, the signs in each, consent, and the referral
route the rules allow with the officers on the team (fieldkit/codes/rules.py).

Each person follows the rules as `broken_rules` reads them: a child with a sign goes to the
NRM by a first responder officer (no team has none in the Barnet playbook; a team with none
meets children with no sign, referred to safeguarding); an adult with signs who consents is
referred to the NRM by a first responder (or to a partner, or safeguarding); one who does not
consent is notified under the Duty to Notify by an officer of a specified public authority,
or, with no such officer on the team, referred to a partner or not at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from fieldkit.codes.rules import CHILD, flagged
from fieldkit.field.draft import Draft
from fieldkit.field.loadout import Loadout
from fieldkit.field.profiles import CONSENT, PERSON_AGE_BANDS, Profile
from fieldkit.model import Person

#: The outcome each route adds to its engagement.
ROUTE_OUTCOMES = {
    "nrm": "nrm_referral",
    "duty_to_notify": "duty_to_notify",
    "safeguarding": "safeguarding_referral",
    "partner_support": "referred_to_partner",
}
#: Languages a person may speak, by nationality (English otherwise).
SPOKEN = {
    "romanian": "romanian",
    "moldovan": "romanian",
    "bulgarian": "bulgarian",
    "hungarian": "hungarian",
    "polish": "polish",
    "albanian": "albanian",
    "vietnamese": "vietnamese",
}


@dataclass(frozen=True)
class Team:
    """Who on the team may make which referral, and who speaks Romanian to whom."""

    responders: tuple[str, ...]
    authorities: tuple[str, ...]
    #: "none" when a first responder officer speaks Romanian, "partner_officer" when only a
    #: partner's officer does, None when nobody does.
    romanian: str | None

    @classmethod
    def of(cls, loadout: Loadout) -> Team:
        responders = flagged(loadout.codes, "first_responder")
        authorities = flagged(loadout.codes, "specified_authority")
        speakers = [m for m in loadout.members if "romanian_speaker" in m.skills]
        romanian = None
        if speakers:
            police = any(m.agency in responders for m in speakers)
            romanian = "none" if police else "partner_officer"
        return cls(
            tuple(m.id for m in loadout.members if m.agency in responders),
            tuple(m.id for m in loadout.members if m.agency in authorities),
            romanian,
        )


def meet_persons(draft: Draft, rng: random.Random, loadout: Loadout, profile: Profile) -> None:
    """Persons met one to one at an engagement with signs, as often as the place suggests;
    the engagement's referral outcomes are then their routes' (no longer drawn at random)."""
    if not draft.indicators or not draft.people or rng.random() >= profile.one_to_one:
        return
    team, codes = Team.of(loadout), loadout.codes
    count = rng.choice((1, 1, 1, 2, 2, 3))
    draft.persons = [_person(draft, rng, loadout, team, profile) for _ in range(count)]
    routed = [ROUTE_OUTCOMES[p.route] for p in draft.persons if p.route in ROUTE_OUTCOMES]
    kept = [o for o in draft.outcomes if o not in ROUTE_OUTCOMES.values()]
    draft.outcomes = sorted({*kept, *(o for o in routed if o in codes.outcomes)})
    draft.referral_ref = None  # each referral's reference is its person's


def _person(
    draft: Draft, rng: random.Random, loadout: Loadout, team: Team, profile: Profile
) -> Person:
    """One person: their own signs (some of the engagement's), consent, route and referrer."""
    codes, nationality = loadout.codes, draft.people[0].nationality
    gender = "female" if rng.random() < profile.female_share else "male"
    if gender not in codes["genders"]:
        gender = codes["genders"].ids[0]
    age_band = _weighted(rng, tuple(a for a in PERSON_AGE_BANDS if a[0] in codes["age_bands"]))
    child = age_band == CHILD
    language = SPOKEN.get(nationality, "english")
    interpreter = _interpreter(rng, team, language)
    signs: tuple[str, ...] = ()
    if rng.random() < (0.8 if child else 0.7) and (team.responders or not child):
        signs = tuple(rng.sample(draft.indicators, k=rng.randint(1, len(draft.indicators))))
    consent = "not_asked"
    if signs and not child:
        spoken = language == "english" or (language == "romanian" and team.romanian == "none")
        unheard = interpreter == "none" and not spoken  # no one to ask them in their language
        consent = "cannot" if unheard else _weighted(rng, CONSENT)
    route, by = _route(rng, child, bool(signs), consent, draft.officer, team)
    if route in ("partner_support", "safeguarding") and not signs and not child:
        consent = "yes"  # support is offered with the person's agreement
    return Person(
        gender,
        age_band,
        nationality,
        language=language if language in codes["languages"] else None,
        signs=signs,
        consent=consent,
        route=route,
        by=by,
        ref=_reference(rng, route),
        interpreter=interpreter,
    )


def _route(
    rng: random.Random, child: bool, signs: bool, consent: str, officer: str, team: Team
) -> tuple[str, str | None]:
    """The route the rules allow (and the officer making the referral)."""
    if child and signs:
        return "nrm", _referrer(officer, team.responders)
    if child:
        return ("safeguarding", officer) if rng.random() < 0.8 else ("partner_support", officer)
    roll = rng.random()
    if signs and consent == "yes":
        if team.responders and roll < 0.7:
            return "nrm", _referrer(officer, team.responders)
        return ("partner_support", officer) if roll < 0.88 else ("safeguarding", officer)
    if signs:
        if team.authorities:
            return "duty_to_notify", _referrer(officer, team.authorities)
        return ("partner_support", officer) if roll < 0.5 else ("none", None)
    if roll < 0.7:
        return "none", None
    return ("partner_support", officer) if roll < 0.9 else ("safeguarding", officer)


def _referrer(officer: str, allowed: tuple[str, ...]) -> str:
    """The officer logging when they may make the referral, else the first who may."""
    return officer if officer in allowed else allowed[0]


def _interpreter(rng: random.Random, team: Team, language: str) -> str:
    if language == "english":
        return "none"
    if language == "romanian" and team.romanian is not None:
        return team.romanian
    return _weighted(rng, (("independent", 65), ("family_or_friend", 15), ("none", 20)))


def _reference(rng: random.Random, route: str) -> str | None:
    if route == "nrm":
        return f"NRM-{rng.randint(100000, 999999)}"
    if route == "duty_to_notify":
        return f"MS1-{rng.randint(10000, 99999)}"
    if route == "safeguarding" and rng.random() < 0.5:
        return f"SG-{rng.randint(1000, 9999)}"
    return None


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in table], [w for _, w in table])[0]
