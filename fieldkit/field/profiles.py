"""How engagements tend to go at each venue type: the simulator's tables of people and signs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How engagements at one venue type tend to go."""

    sign_rate: float
    indicators: tuple[str, ...]
    female_share: float
    group: tuple[int, int]
    #: Of the engagements with signs, the share that meet persons one to one (a crowd, as at
    #: a church or an arrivals hall, stays a group counted).
    one_to_one: float = 0.0


PROFILES: dict[str, Profile] = {
    "brothel": Profile(
        0.45,
        (
            "controlling_boyfriend",
            "advertised_online",
            "anxious_afraid",
            "under_control",
            "fear_of_deportation",
            "no_identity_documents",
        ),
        0.95,
        (1, 3),
        one_to_one=0.8,
    ),
    "car_wash": Profile(
        0.35,
        ("long_hours", "little_or_no_money", "unsuitable_clothing", "poor_housing", "owes_debt"),
        0.05,
        (1, 4),
        one_to_one=0.7,
    ),
    "nail_bar": Profile(
        0.30,
        ("long_hours", "little_or_no_money", "price_too_low", "isolated", "under_control"),
        0.85,
        (1, 3),
        one_to_one=0.7,
    ),
    "construction_site": Profile(
        0.30,
        ("long_hours", "unsuitable_clothing", "untreated_injuries", "owes_debt", "poor_housing"),
        0.05,
        (1, 5),
        one_to_one=0.5,
    ),
    "overcrowded_house": Profile(
        0.55,
        ("poor_housing", "owes_debt", "under_control", "no_identity_documents"),
        0.4,
        (2, 6),
        one_to_one=0.6,
    ),
    "homeless_shelter": Profile(
        0.25,
        (
            "malnourished",
            "substance_dependence",
            "little_or_no_money",
            "no_identity_documents",
            "owes_debt",
        ),
        0.2,
        (1, 3),
        one_to_one=0.7,
    ),
    "recruitment_agency": Profile(
        0.2, ("owes_debt", "isolated", "no_identity_documents"), 0.4, (1, 3), one_to_one=0.3
    ),
    "airport_arrivals": Profile(
        0.10, ("isolated", "owes_debt", "under_control", "anxious_afraid"), 0.45, (1, 6)
    ),
    "church": Profile(0.08, ("isolated", "little_or_no_money", "owes_debt"), 0.55, (1, 5)),
}
DEFAULT_PROFILE = Profile(
    0.10, ("anxious_afraid", "malnourished", "little_or_no_money"), 0.4, (1, 2), one_to_one=0.3
)

NATIONALITIES = (
    ("romanian", 55),
    ("moldovan", 8),
    ("british", 10),
    ("bulgarian", 6),
    ("hungarian", 4),
    ("polish", 5),
    ("albanian", 4),
    ("vietnamese", 3),
    ("other", 3),
    ("unknown", 2),
)
AGE_BANDS = (
    ("under_18", 3),
    ("age_18_24", 30),
    ("age_25_34", 35),
    ("age_35_49", 22),
    ("age_50_plus", 8),
    ("unknown", 2),
)
#: Persons met one to one are younger than the crowds: a few children among them.
PERSON_AGE_BANDS = (
    ("under_18", 10),
    ("age_18_24", 30),
    ("age_25_34", 32),
    ("age_35_49", 20),
    ("age_50_plus", 6),
    ("unknown", 2),
)
#: Of the adults with signs met one to one: who consents to a referral, who refuses, who
#: is not asked; `cannot` comes from having no interpreter.
CONSENT = (("yes", 45), ("no", 40), ("not_asked", 15))
