"""The partner share counts people by route and outcome (returns home with ANITP's help too), in
English and Romanian, every count under 5 hidden and none recoverable from the published sums."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.codes import load_codes
from fieldkit.maps import analyse
from fieldkit.maps.exports import partner_share, share_json, write_exports
from fieldkit.maps.followups import FollowUp
from fieldkit.maps.source import OperationData, load_operation
from fieldkit.model import ENGAGEMENT_FORMAT_2, Person
from tests.support.people_operation import NOTE, OP, REF, make_workspace

ILO = {c.code: str(c.attrs.get("ilo")) for c in load_codes().indicators}
ROUTES = ("nrm", "duty_to_notify", "safeguarding", "partner_support")
STATUSES = ("referred", "reasonable_grounds_positive", "conclusive_grounds_positive",
            "support_accepted", "support_declined", "returned_home_assisted")  # fmt: skip


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> OperationData:
    return load_operation(make_workspace(tmp_path_factory.mktemp("share") / "ws"), OP)


People = list[tuple[str, str | None, str | None]]


def with_people(base: OperationData, people: People) -> OperationData:
    """`base` whose last format-2 record met one person per (route, status, partner)."""
    rec = base.engagements[-1]
    assert rec.format == ENGAGEMENT_FORMAT_2
    persons = tuple(
        Person("female", "age_25_34", "romanian", signs=("isolated",) if route != "none" else (),
               consent="yes", route=route, by="pc-met")
        for route, _, _ in people
    )  # fmt: skip
    events = [
        FollowUp(rec.id, n, status, partner)
        for n, (_, status, partner) in enumerate(people, start=1)
        if status is not None
    ]
    return replace(base, engagements=(replace(rec, persons=persons),), follow_ups=tuple(events))


def tables_of(data: OperationData) -> dict[str, Any]:
    return share_json(data, partner_share(data, ILO))


def test_people_by_route_and_outcome_with_returns_home_by_partner(base: OperationData) -> None:
    people = (
        [("nrm", "reasonable_grounds_positive", None)] * 7
        + [("nrm", "returned_home_assisted", "anitp")] * 6
        + [("partner_support", "returned_home_assisted", "anitp")] * 5
        + [("partner_support", None, None)] * 8  # no event: still `referred`
        + [("none", None, None)] * 9
        + [("duty_to_notify", "support_declined", None)] * 2  # small: hidden, and more with it
    )
    share = tables_of(with_people(base, people))
    t = share["tables"]
    assert t["persons_total"] == {"all": 37}
    # duty_to_notify (2) is hidden; the total 37 and the other routes would give it away by
    # subtraction, so the smallest other route (none, 9) is hidden with it.
    assert t["persons_by_route"] == {"nrm": 13, "partner_support": 13, "none": None,
                                     "duty_to_notify": None}  # fmt: skip
    assert t["persons_returned_home_by_partner"] == {"anitp": 11}
    assert t["persons_by_outcome_nrm"] == {"reasonable_grounds_positive": 7,
                                           "returned_home_assisted": 6}  # fmt: skip
    assert t["persons_by_outcome"]["returned_home_assisted"] == 11
    assert t["persons_by_outcome"]["support_declined"] is None


def test_labels_in_english_and_romanian(base: OperationData) -> None:
    people = [("nrm", "returned_home_assisted", "anitp")] * 5 + [("none", None, None)] * 5
    share = tables_of(with_people(base, people))
    labels, titles = share["labels"], share["titles"]
    assert labels["persons_by_route"]["nrm"] == {"en": "Referred to the NRM",
                                                "ro": "Referit în NRM"}  # fmt: skip
    assert labels["persons_returned_home_by_partner"]["anitp"]["ro"].startswith("ANITP (Agenția")
    home = labels["persons_by_outcome"]["returned_home_assisted"]
    assert home["en"] and home["ro"] and home["en"] != home["ro"]
    assert titles["persons_returned_home_by_partner"]["ro"].startswith("Persoane întoarse acasă")
    assert labels["engagements_by_venue_type"]["church"]["ro"]  # the older tables too
    for table, cats in labels.items():
        assert table in titles and set(cats) == set(share["tables"][table])


def test_written_share_is_bilingual_and_holds_no_text(base: OperationData, tmp_path: Path) -> None:
    data = with_people(base, [("nrm", "returned_home_assisted", "anitp")] * 6)
    paths = write_exports(data, analyse(data.map_input), tmp_path, ILO)
    rows = list(csv.DictReader((tmp_path / "partner-share.csv").open(encoding="utf-8")))
    home = next(r for r in rows if r["table"] == "persons_returned_home_by_partner")
    assert (home["category"], home["count"], home["suppressed"]) == ("anitp", "6", "")
    assert home["label_en"].startswith("ANITP") and home["label_ro"].startswith("ANITP (Agenția")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert NOTE not in text and REF not in text
        if path.name.startswith("partner-share"):
            assert "pc-met" not in text and data.engagements[0].id not in text


def _sums(t: dict[str, dict[str, Any]]) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """The sums a reader of the share can form, written out from its tables."""

    def cells(table: str) -> list[tuple[str, str]]:
        return [(table, c) for c in t.get(table, {})]

    out = [(("persons_total", "all"), cells("persons_by_route")),
           (("persons_total", "all"), [("persons_by_route", "none"), *cells("persons_by_outcome")]),
           (("persons_by_outcome", "returned_home_assisted"),
            cells("persons_returned_home_by_partner"))]  # fmt: skip
    for r in ROUTES:
        out.append((("persons_by_route", r), cells(f"persons_by_outcome_{r}")))
    for s in t.get("persons_by_outcome", {}):
        out.append((("persons_by_outcome", s),
                    [(f"persons_by_outcome_{r}", s) for r in ROUTES]))  # fmt: skip
    return out


def _recoverable(t: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Hidden counts fixed by the published ones: zero in every vector of the sums' null space."""
    hidden = [(table, c) for table, cats in t.items() if table.startswith("persons")
              for c, v in cats.items() if v is None]  # fmt: skip
    if not hidden:
        return []
    index = {c: i for i, c in enumerate(hidden)}
    rows = []
    for total, parts in _sums(t):
        row = np.zeros(len(hidden))
        for c in parts:
            if c in index:  # a count not in the share is a known 0
                row[index[c]] += 1
        if total in index:
            row[index[total]] -= 1
        rows.append(row)
    a = np.array(rows)
    _, sv, vt = np.linalg.svd(a)
    rank = int((sv > 1e-9).sum())
    null = vt[rank:]
    return [c for c, i in index.items() if not null.size or np.all(np.abs(null[:, i]) < 1e-9)]


person = st.tuples(
    st.sampled_from((*ROUTES, "none")),
    st.sampled_from((*STATUSES, None)),
    st.sampled_from(("anitp", "justice_and_care")),
).map(lambda p: (p[0], None if p[0] == "none" else p[1],
                 p[2] if p[1] == "returned_home_assisted" else None))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(person, max_size=60))
def test_no_small_count_is_shown_or_recoverable(base: OperationData, people: People) -> None:
    t = tables_of(with_people(base, people))["tables"]
    shown = [v for table, cats in t.items() if table.startswith("persons")
             for v in cats.values() if v is not None]  # fmt: skip
    assert all(v == 0 or v >= 5 for v in shown)
    assert _recoverable(t) == []
