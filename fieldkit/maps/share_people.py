"""The partner share's people tables: people met one to one by route and by the outcome of
their referral (returns home with a partner's help too), labelled in English and Romanian,
suppressed so that no hidden count can be worked out from the published ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fieldkit.codes import CodeBook
from fieldkit.maps.followups import REFERRAL_ROUTES, RETURNED_HOME
from fieldkit.maps.people import MetPerson
from fieldkit.maps.share_labels import (
    BY_OUTCOME,
    BY_ROUTE,
    OUTCOME_OF,
    RETURNED_BY_PARTNER,
    TOTAL,
    category_label,
)
from fieldkit.maps.suppression import Cell, Sum, suppress


@dataclass(frozen=True)
class LabelledCount:
    """One count of the people tables, its labels, and whether it is hidden."""

    table: str
    category: str
    count: int
    hidden: bool
    en: str
    ro: str


def _tables(people: list[MetPerson]) -> dict[str, Counter[str]]:
    referred = [p for p in people if p.referred and p.follow_up is not None]
    tables: dict[str, Counter[str]] = {
        TOTAL: Counter({"all": len(people)}),
        BY_ROUTE: Counter(p.route for p in people),
        BY_OUTCOME: Counter(p.follow_up.status for p in referred if p.follow_up),
    }
    for route in REFERRAL_ROUTES:
        tables[OUTCOME_OF + route] = Counter(
            p.follow_up.status for p in referred if p.route == route and p.follow_up
        )
    tables[RETURNED_BY_PARTNER] = Counter(
        p.follow_up.partner or "unknown"
        for p in referred
        if p.follow_up and p.follow_up.status == RETURNED_HOME
    )
    return tables


def sums_of(tables: dict[str, Counter[str]]) -> list[Sum]:
    """Every sum the people tables publish (a total is the sum of its parts)."""

    def cells(table: str) -> tuple[Cell, ...]:
        return tuple((table, c) for c in sorted(tables[table]))

    statuses = sorted(tables[BY_OUTCOME])
    found = [
        Sum((TOTAL, "all"), cells(BY_ROUTE)),
        Sum((TOTAL, "all"), ((BY_ROUTE, "none"), *cells(BY_OUTCOME))),
        Sum((BY_OUTCOME, RETURNED_HOME), cells(RETURNED_BY_PARTNER)),
    ]
    found += [Sum((BY_ROUTE, r), cells(OUTCOME_OF + r)) for r in REFERRAL_ROUTES]
    found += [
        Sum((BY_OUTCOME, s), tuple((OUTCOME_OF + r, s) for r in REFERRAL_ROUTES)) for s in statuses
    ]
    return found


def people_share(people: list[MetPerson], codes: CodeBook) -> list[LabelledCount]:
    """The people tables' counts, labelled, with the hidden ones marked."""
    tables = _tables(people)
    counts = {(t, c): n for t, table in tables.items() for c, n in table.items()}
    hidden = suppress(counts, sums_of(tables))
    return [
        LabelledCount(t, c, n, (t, c) in hidden, *category_label(codes, t, c))
        for t, table in tables.items()
        for c, n in sorted(table.items())
    ]
