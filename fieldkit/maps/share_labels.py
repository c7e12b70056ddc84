"""The partner share's titles and category labels in English and Romanian, from codes.yaml."""

from __future__ import annotations

from fieldkit.codes import CodeBook
from fieldkit.maps.followups import status_label

TOTAL, BY_ROUTE, BY_OUTCOME = "persons_total", "persons_by_route", "persons_by_outcome"
#: One table per route: its referred persons by outcome (a row of route x outcome).
OUTCOME_OF = "persons_by_outcome_"
RETURNED_BY_PARTNER = "persons_returned_home_by_partner"

#: Each table's title in English and Romanian.
TITLES: dict[str, tuple[str, str]] = {
    "engagements_total": ("Engagements", "Interacțiuni"),
    "people_total": ("People engaged in groups", "Persoane abordate în grupuri"),
    "engagements_by_day": ("Engagements by day", "Interacțiuni pe zile"),
    "engagements_by_venue_type": ("Engagements by venue type", "Interacțiuni după tipul locației"),
    "engagements_by_partner_present": (
        "Engagements by partner present",
        "Interacțiuni după partenerul prezent",
    ),
    "people_by_nationality": (
        "People in groups by nationality",
        "Persoane în grupuri după naționalitate",
    ),
    "people_by_gender": ("People in groups by gender", "Persoane în grupuri după gen"),
    "people_by_age_band": (
        "People in groups by age band",
        "Persoane în grupuri după grupa de vârstă",
    ),
    "engagements_by_ilo_indicator": (
        "Engagements by ILO indicator of forced labour",
        "Interacțiuni după indicatorul OIM al muncii forțate",
    ),
    "engagements_by_outcome": ("Engagements by outcome", "Interacțiuni după rezultat"),
    TOTAL: ("People met one to one", "Persoane întâlnite individual"),
    BY_ROUTE: ("People met one to one, by route", "Persoane întâlnite individual, după cale"),
    BY_OUTCOME: (
        "People referred, by the outcome of the referral",
        "Persoane referite, după rezultatul referirii",
    ),
    RETURNED_BY_PARTNER: (
        "People returned home with a partner's help, by partner",
        "Persoane întoarse acasă cu ajutorul unui partener, după partener",
    ),
}
#: The code list that labels each table's categories.
LISTS = {
    "engagements_by_venue_type": "venue_types",
    "engagements_by_partner_present": "partners",
    "people_by_nationality": "nationalities",
    "people_by_gender": "genders",
    "people_by_age_band": "age_bands",
    "engagements_by_ilo_indicator": "ilo_indicators",
    "engagements_by_outcome": "outcomes",
    BY_ROUTE: "routes",
    RETURNED_BY_PARTNER: "partners",
}
ALL = ("All", "Toate")


def table_title(codes: CodeBook, table: str) -> tuple[str, str]:
    """A table's title in English and Romanian."""
    if table.startswith(OUTCOME_OF):
        route = codes["routes"].get(table.removeprefix(OUTCOME_OF))
        en, ro = (route.en, route.ro) if route else (table, table)
        return (f"{en}: people by outcome", f"{ro}: persoane după rezultat")
    return TITLES.get(table, (table, table))


def category_label(codes: CodeBook, table: str, category: str) -> tuple[str, str]:
    """A category's label in English and Romanian (a day, or an unknown code, as it is)."""
    if category == "all":
        return ALL
    if table == BY_OUTCOME or table.startswith(OUTCOME_OF):
        status = status_label(codes, category)
        return (status.en, status.ro)
    listed = LISTS.get(table)
    found = codes[listed].get(category) if listed else None
    return (found.en, found.ro) if found else (category, category)
