"""The referral rules: every rule accepted and refused, its sentence in English and Romanian;
first responders and specified authorities come from the code lists."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.codes import load_codes
from fieldkit.codes.rules import RULES, BrokenRule, broken_rules, flagged
from fieldkit.model import Person

CODES = load_codes()
#: A team as on the Barnet week: police, ANITP, Justice and Care; and a GLAA officer.
AGENCIES = {
    "pc-hughes": "met_police",
    "anitp-ionescu": "anitp",
    "jc-marin": "justice_and_care",
    "glaa-wright": "glaa",
    "bf-khan": "border_force",
    "hfj-smith": "hope_for_justice",
    "sp-jones": "street_pastors",
}

ADULT = Person("female", "age_25_34", "romanian")
CHILD = Person("male", "under_18", "romanian")
SIGN = ("owes_debt",)


def check(person: Person, officer: str = "pc-hughes", outcomes=(), indicators=()):
    return broken_rules([person], indicators, outcomes, officer, AGENCIES, CODES)


def test_partners_that_may_refer_come_from_the_code_lists() -> None:
    assert flagged(CODES, "first_responder") == {
        "met_police",
        "kent_police",
        "west_midlands_police",
        "glaa",
        "border_force",
    }
    assert flagged(CODES, "specified_authority") == {
        "met_police",
        "kent_police",
        "west_midlands_police",
        "glaa",
        "border_force",
    }
    for charity in ("anitp", "justice_and_care", "hope_for_justice", "street_pastors"):
        assert charity not in flagged(CODES, "first_responder")
        assert charity not in flagged(CODES, "specified_authority")


# (case, person, officer, outcomes, indicators, the rules broken)
CASES = [
    ("group with no concerns", None, "pc-hughes", ["no_concerns"], [], []),
    ("no concerns beside a group sign", None, "pc-hughes", ["no_concerns"], SIGN, ["ncs"]),
    (
        "no concerns beside a person's sign",
        replace(ADULT, signs=SIGN, consent="yes", route="nrm"),
        "pc-hughes",
        ["no_concerns"],
        [],
        ["ncs"],
    ),
    ("adult, no signs, no route", ADULT, "pc-hughes", [], [], []),
    ("child without signs, no route", CHILD, "pc-hughes", [], [], []),
    (
        "child with a sign to the NRM",
        replace(CHILD, signs=SIGN, route="nrm"),
        "pc-hughes",
        [],
        [],
        [],
    ),
    (
        "child with a sign, consent no, to the NRM",
        replace(CHILD, signs=SIGN, route="nrm", consent="no"),
        "pc-hughes",
        [],
        [],
        [],
    ),
    ("child with a sign, no route", replace(CHILD, signs=SIGN), "pc-hughes", [], [], ["child"]),
    (
        "child with a sign, Duty to Notify alone",
        replace(CHILD, signs=SIGN, route="duty_to_notify"),
        "pc-hughes",
        [],
        [],
        ["child"],
    ),
    (
        "child with a sign, safeguarding only",
        replace(CHILD, signs=SIGN, route="safeguarding"),
        "anitp-ionescu",
        [],
        [],
        ["child"],
    ),
    (
        "adult with consent to the NRM",
        replace(ADULT, signs=SIGN, consent="yes", route="nrm"),
        "pc-hughes",
        [],
        [],
        [],
    ),
    (
        "adult to the NRM, consent not asked",
        replace(ADULT, signs=SIGN, consent="not_asked", route="nrm"),
        "pc-hughes",
        [],
        [],
        ["consent"],
    ),
    (
        "adult to the NRM, refused",
        replace(ADULT, signs=SIGN, consent="no", route="nrm"),
        "pc-hughes",
        [],
        [],
        ["consent"],
    ),
    (
        "adult refuses, police notify",
        replace(ADULT, signs=SIGN, consent="no", route="duty_to_notify"),
        "pc-hughes",
        [],
        [],
        [],
    ),
    (
        "adult refuses, police do nothing",
        replace(ADULT, signs=SIGN, consent="no"),
        "pc-hughes",
        [],
        [],
        ["notify"],
    ),
    (
        "adult cannot be asked, GLAA refer to a partner only",
        replace(ADULT, signs=SIGN, consent="cannot", route="partner_support"),
        "glaa-wright",
        [],
        [],
        ["notify"],
    ),
    (
        "adult refuses, met by ANITP alone: no duty",
        replace(ADULT, signs=SIGN, consent="no", route="partner_support"),
        "anitp-ionescu",
        [],
        [],
        [],
    ),
    (
        "NRM referral by a police officer on an ANITP officer's record",
        replace(ADULT, signs=SIGN, consent="yes", route="nrm", by="pc-hughes"),
        "anitp-ionescu",
        [],
        [],
        [],
    ),
    (
        "NRM referral by ANITP",
        replace(ADULT, signs=SIGN, consent="yes", route="nrm", by="anitp-ionescu"),
        "pc-hughes",
        [],
        [],
        ["by_fr"],
    ),
    (
        "NRM referral by Justice and Care (the recording officer)",
        replace(CHILD, signs=SIGN, route="nrm"),
        "jc-marin",
        [],
        [],
        ["by_fr"],
    ),
    (
        "NRM referral by Hope for Justice",
        replace(CHILD, signs=SIGN, route="nrm", by="hfj-smith"),
        "pc-hughes",
        [],
        [],
        ["by_fr"],
    ),
    (
        "NRM referral by Border Force",
        replace(CHILD, signs=SIGN, route="nrm", by="bf-khan"),
        "pc-hughes",
        [],
        [],
        [],
    ),
    (
        "notification by Street Pastors",
        replace(ADULT, signs=SIGN, consent="no", route="duty_to_notify", by="sp-jones"),
        "pc-hughes",
        [],
        [],
        ["by_sa"],
    ),
    (
        "notification by the GLAA",
        replace(ADULT, signs=SIGN, consent="no", route="duty_to_notify", by="glaa-wright"),
        "anitp-ionescu",
        [],
        [],
        [],
    ),
    (
        "NRM referral by an officer not on the roster",
        replace(CHILD, signs=SIGN, route="nrm", by="pc-nobody"),
        "pc-hughes",
        [],
        [],
        ["by_fr"],
    ),
]
SHORT = {
    "ncs": "no_concerns_with_signs",
    "child": "child_to_nrm",
    "consent": "adult_nrm_needs_consent",
    "notify": "adult_without_consent_notified",
    "by_fr": "nrm_by_first_responder",
    "by_sa": "notification_by_specified_authority",
}


@pytest.mark.parametrize(
    ("person", "officer", "outcomes", "indicators", "rules"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_accepts_and_refuses(person, officer, outcomes, indicators, rules) -> None:
    persons = [] if person is None else [person]
    found = broken_rules(persons, indicators, outcomes, officer, AGENCIES, CODES)
    assert [b.rule for b in found] == [SHORT[r] for r in rules]


def test_every_rule_is_held_by_a_refusing_case() -> None:
    refused = {SHORT[r] for case in CASES for r in case[5]}
    assert refused == set(RULES)


# The exact sentences, in English and Romanian, naming each rule.
MESSAGES = {
    "no_concerns_with_signs": (
        None,
        "“No concerns” cannot be recorded beside a sign of exploitation.",
        "„Fără motive de îngrijorare” nu poate fi înregistrat alături de un semn de exploatare.",
    ),
    "child_to_nrm": (
        1,
        "person 1: A person under 18 with a sign of exploitation is referred to the NRM "
        "(no consent is needed; the Duty to Notify alone is not enough).",
        "persoana 1: O persoană sub 18 ani cu un semn de exploatare este referită în NRM "
        "(nu este nevoie de acord; doar notificarea nu este suficientă).",
    ),
    "adult_nrm_needs_consent": (
        2,
        "person 2: An adult is referred to the NRM only with their consent (consent=yes).",
        "persoana 2: Un adult este referit în NRM numai cu acordul său (consent=yes).",
    ),
    "adult_without_consent_notified": (
        1,
        "person 1: An adult with a sign of exploitation who does not consent, met by a "
        "specified public authority, is notified under the Duty to Notify "
        "(route=duty_to_notify).",
        "persoana 1: Un adult cu un semn de exploatare care nu își dă acordul, întâlnit de o "
        "autoritate publică specificată, este notificat conform obligației de notificare "
        "(route=duty_to_notify).",
    ),
    "nrm_by_first_responder": (
        3,
        "person 3: An NRM referral is made by an officer of a first responder organisation.",
        "persoana 3: O referire în NRM este făcută de un ofițer al unei organizații "
        "prim-respondente.",
    ),
    "notification_by_specified_authority": (
        1,
        "person 1: A notification under the Duty to Notify is made by an officer of a "
        "specified public authority.",
        "persoana 1: O notificare conform obligației de notificare este făcută de un ofițer "
        "al unei autorități publice specificate.",
    ),
}


@pytest.mark.parametrize("rule", sorted(MESSAGES))
def test_each_rule_is_named_in_english_and_romanian(rule: str) -> None:
    person, en, ro = MESSAGES[rule]
    broken = BrokenRule(rule, person)
    assert (broken.en, broken.ro) == (en, ro)
    assert str(broken) == f"{en} / {ro}"


def test_the_persons_are_numbered_as_given() -> None:
    persons = [ADULT, replace(CHILD, signs=SIGN), replace(ADULT, route="nrm")]
    found = broken_rules(persons, [], [], "pc-hughes", AGENCIES, CODES)
    assert [(b.rule, b.person) for b in found] == [
        ("child_to_nrm", 2),
        ("adult_nrm_needs_consent", 3),
    ]


def test_an_unknown_roster_skips_only_the_rules_that_need_an_agency() -> None:
    person = replace(ADULT, signs=SIGN, consent="no", route="nrm", by="anitp-ionescu")
    found = broken_rules([person], [], [], "pc-hughes", None, CODES)
    assert [b.rule for b in found] == ["adult_nrm_needs_consent"]


# -- properties ------------------------------------------------------------------------

codes_of = {name: CODES[name].ids for name in ("genders", "age_bands", "nationalities")}
persons = st.builds(
    Person,
    gender=st.sampled_from(codes_of["genders"]),
    age_band=st.sampled_from(codes_of["age_bands"]),
    nationality=st.sampled_from(codes_of["nationalities"]),
    language=st.none() | st.sampled_from(CODES["languages"].ids),
    signs=st.lists(st.sampled_from(CODES.indicators.ids), max_size=3).map(tuple),
    consent=st.sampled_from(CODES["consent"].ids),
    route=st.sampled_from(CODES["routes"].ids),
    by=st.none() | st.sampled_from(sorted(AGENCIES)),
    ref=st.none() | st.text(max_size=20),
    interpreter=st.sampled_from(CODES["interpreters"].ids),
)
officers = st.sampled_from(sorted(AGENCIES))


@given(person=persons, officer=officers, other=persons)
def test_irrelevant_fields_never_change_the_verdict(person, officer, other) -> None:
    """Nationality, gender, language, interpreter and reference play no part in the rules."""
    before = check(person, officer)
    changed = replace(
        person,
        gender=other.gender,
        nationality=other.nationality,
        language=other.language,
        interpreter=other.interpreter,
        ref=other.ref,
    )
    assert check(changed, officer) == before


@given(person=persons, officer=officers)
def test_a_child_with_a_sign_is_accepted_only_on_the_nrm_route(person, officer) -> None:
    child = replace(person, age_band="under_18", signs=person.signs or SIGN)
    rules = {b.rule for b in check(child, officer)}
    assert ("child_to_nrm" in rules) == (child.route != "nrm")


@given(person=persons, officer=officers)
def test_an_adult_on_the_nrm_route_without_consent_is_refused(person, officer) -> None:
    adult = replace(person, age_band="age_35_49", route="nrm")
    rules = {b.rule for b in check(adult, officer)}
    assert ("adult_nrm_needs_consent" in rules) == (adult.consent != "yes")


def test_a_loadout_written_before_persons_reads_their_lists_from_the_kit() -> None:
    from fieldkit.codes import PERSON_LISTS, CodeBook

    data = {k: v for k, v in CODES.to_dict().items() if k not in PERSON_LISTS}
    book = CodeBook.from_dict(data, "old loadout")
    assert book["consent"].ids == ["yes", "no", "not_asked", "cannot"]
    assert book.partners["glaa"].attrs["first_responder"] == "true"
