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
    ),
    "car_wash": Profile(
        0.35,
        ("long_hours", "little_or_no_money", "unsuitable_clothing", "poor_housing", "owes_debt"),
        0.05,
        (1, 4),
    ),
    "nail_bar": Profile(
        0.30,
        ("long_hours", "little_or_no_money", "price_too_low", "isolated", "under_control"),
        0.85,
        (1, 3),
    ),
    "construction_site": Profile(
        0.30,
        ("long_hours", "unsuitable_clothing", "untreated_injuries", "owes_debt", "poor_housing"),
        0.05,
        (1, 5),
    ),
    "overcrowded_house": Profile(
        0.55, ("poor_housing", "owes_debt", "under_control", "no_identity_documents"), 0.4, (2, 6)
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
    ),
    "recruitment_agency": Profile(
        0.2, ("owes_debt", "isolated", "no_identity_documents"), 0.4, (1, 3)
    ),
    "airport_arrivals": Profile(
        0.10, ("isolated", "owes_debt", "under_control", "anxious_afraid"), 0.45, (1, 6)
    ),
    "church": Profile(0.08, ("isolated", "little_or_no_money", "owes_debt"), 0.55, (1, 5)),
}
DEFAULT_PROFILE = Profile(
    0.10, ("anxious_afraid", "malnourished", "little_or_no_money"), 0.4, (1, 2)
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
