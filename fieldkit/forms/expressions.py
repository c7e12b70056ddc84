"""The referral rules (fieldkit/codes/rules.py) as XLSForm `constraint` expressions, with
their English and Romanian messages, so Collect refuses what the device refuses."""

from __future__ import annotations

from fieldkit.codes.rules import CHILD, NO_CONCERNS, RULES

#: The officers' choice list carries each officer's agency flags as columns (choices sheet).
_AGENCY = "instance('officers')/root/item[name = {who}]/{flag} = 'true'"

ROUTE_RULES = ("child_to_nrm", "adult_nrm_needs_consent", "adult_without_consent_notified")
REFERRER_RULES = ("nrm_by_first_responder", "notification_by_specified_authority")


def _agency(who: str, flag: str) -> str:
    return _AGENCY.format(who=who, flag=flag)


def no_concerns() -> str:
    """On `outcomes`: no "no concerns" beside a sign at the venue or in any person."""
    return (
        f"not(selected(., '{NO_CONCERNS}') and "
        "(count-selected(${indicators}) > 0 or sum(${person_has_signs}) > 0))"
    )


def route() -> str:
    """On a person's `person_route`: the child, consent and Duty to Notify rules."""
    child = f"${{person_age_band}} = '{CHILD}'"
    adult = f"${{person_age_band}} != '{CHILD}'"
    signs = "count-selected(${person_signs}) > 0"
    return " and ".join(
        (
            f"not({child} and {signs} and . != 'nrm')",
            f"not({adult} and . = 'nrm' and ${{person_consent}} != 'yes')",
            f"not({adult} and {signs} and ${{person_consent}} != 'yes' and . != 'nrm' "
            f"and . != 'duty_to_notify' and {_agency('${officer}', 'specified_authority')})",
        )
    )


def referrer() -> str:
    """On a person's `person_by`: who may refer to the NRM or notify."""
    return (
        f"(${{person_route}} != 'nrm' or {_agency('current()', 'first_responder')}) and "
        f"(${{person_route}} != 'duty_to_notify' or {_agency('current()', 'specified_authority')})"
    )


def message(rules: tuple[str, ...], lang: int) -> str:
    """The rules' sentences in one language (0 English, 1 Romanian)."""
    return " ".join(RULES[r][lang] for r in rules)
