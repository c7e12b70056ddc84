"""The referral rules (NRM, Duty to Notify, no concerns beside a sign), from the code lists.

Pure: the device refuses a record that breaks one, central flags it. Which partners are first
responder organisations and which are specified public authorities is in codes.yaml
(`first_responder`, `specified_authority`), not here. Ages: `under_18` is a child, every other
band (`unknown` too) an adult.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fieldkit.codes import CodeBook
from fieldkit.model import Person

CHILD = "under_18"
NO_CONCERNS = "no_concerns"

#: rule -> (English, Romanian): one sentence each, naming the rule.
RULES: dict[str, tuple[str, str]] = {
    "no_concerns_with_signs": (
        "“No concerns” cannot be recorded beside a sign of exploitation.",
        "„Fără motive de îngrijorare” nu poate fi înregistrat alături de un semn de exploatare.",
    ),
    "child_to_nrm": (
        "A person under 18 with a sign of exploitation is referred to the NRM "
        "(no consent is needed; the Duty to Notify alone is not enough).",
        "O persoană sub 18 ani cu un semn de exploatare este referită în NRM "
        "(nu este nevoie de acord; doar notificarea nu este suficientă).",
    ),
    "adult_nrm_needs_consent": (
        "An adult is referred to the NRM only with their consent (consent=yes).",
        "Un adult este referit în NRM numai cu acordul său (consent=yes).",
    ),
    "adult_without_consent_notified": (
        "An adult with a sign of exploitation who does not consent, met by a specified public "
        "authority, is notified under the Duty to Notify (route=duty_to_notify).",
        "Un adult cu un semn de exploatare care nu își dă acordul, întâlnit de o autoritate "
        "publică specificată, este notificat conform obligației de notificare "
        "(route=duty_to_notify).",
    ),
    "nrm_by_first_responder": (
        "An NRM referral is made by an officer of a first responder organisation.",
        "O referire în NRM este făcută de un ofițer al unei organizații prim-respondente.",
    ),
    "notification_by_specified_authority": (
        "A notification under the Duty to Notify is made by an officer of a specified public "
        "authority.",
        "O notificare conform obligației de notificare este făcută de un ofițer al unei "
        "autorități publice specificate.",
    ),
}


@dataclass(frozen=True)
class BrokenRule:
    """One rule a record breaks: its name, the person (1-based; None for the engagement)."""

    rule: str
    person: int | None = None

    @property
    def en(self) -> str:
        return self._where("person") + RULES[self.rule][0]

    @property
    def ro(self) -> str:
        return self._where("persoana") + RULES[self.rule][1]

    def _where(self, word: str) -> str:
        return "" if self.person is None else f"{word} {self.person}: "

    def __str__(self) -> str:
        return f"{self.en} / {self.ro}"


def flagged(codes: CodeBook, flag: str) -> frozenset[str]:
    """The partners with `flag` ("first_responder" or "specified_authority") set to true."""
    return frozenset(p.code for p in codes.partners if p.attrs.get(flag) == "true")


def broken_rules(
    persons: Sequence[Person],
    indicators: Iterable[str],
    outcomes: Iterable[str],
    officer: str,
    agencies: Mapping[str, str] | None,
    codes: CodeBook,
) -> list[BrokenRule]:
    """Every rule the engagement breaks, in order: the engagement's, then each person's.

    `agencies` maps a team member to their agency; None when the roster is not known, and
    then the rules that need an officer's agency are not checked.
    """
    found: list[BrokenRule] = []
    if NO_CONCERNS in set(outcomes) and (set(indicators) or any(p.signs for p in persons)):
        found.append(BrokenRule("no_concerns_with_signs"))
    responders = flagged(codes, "first_responder")
    authorities = flagged(codes, "specified_authority")
    for n, person in enumerate(persons, start=1):
        for rule in _person_rules(person, officer, agencies, responders, authorities):
            found.append(BrokenRule(rule, n))
    return found


def _person_rules(
    person: Person,
    officer: str,
    agencies: Mapping[str, str] | None,
    responders: frozenset[str],
    authorities: frozenset[str],
) -> list[str]:
    child = person.age_band == CHILD
    found = []
    if child and person.signs and person.route != "nrm":
        found.append("child_to_nrm")
    if not child and person.route == "nrm" and person.consent != "yes":
        found.append("adult_nrm_needs_consent")
    if agencies is None:
        return found
    met_by_authority = agencies.get(officer) in authorities
    if (
        not child
        and person.signs
        and person.consent != "yes"
        and person.route != "nrm"
        and met_by_authority
        and person.route != "duty_to_notify"
    ):
        found.append("adult_without_consent_notified")
    referrer = agencies.get(person.by or officer)
    if person.route == "nrm" and referrer not in responders:
        found.append("nrm_by_first_responder")
    if person.route == "duty_to_notify" and referrer not in authorities:
        found.append("notification_by_specified_authority")
    return found
