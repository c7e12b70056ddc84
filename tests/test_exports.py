"""Exports: cell and venue GeoJSON, engagements CSV without notes, a suppressed partner share."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.codes import load_codes
from fieldkit.maps import analyse
from fieldkit.maps.analysis import Analysis
from fieldkit.maps.exports import (
    EXPORT_FILES,
    SUPPRESS_UNDER,
    _suppress,
    cells_geojson,
    engagements_csv,
    partner_share,
    venues_geojson,
    write_exports,
)
from fieldkit.maps.source import OperationData, load_operation
from tests.support.operation import OP, REFERRAL_REF, SECRET_NOTE, make_workspace

ILO = {c.code: str(c.attrs.get("ilo")) for c in load_codes().indicators}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> OperationData:
    ws = make_workspace(tmp_path_factory.mktemp("exports") / "ws")
    return load_operation(ws, OP)


@pytest.fixture(scope="module")
def analysis(data: OperationData) -> Analysis:
    return analyse(data.map_input)


def test_cells_geojson(data: OperationData, analysis: Analysis) -> None:
    doc = json.loads(json.dumps(cells_geojson(analysis)))
    assert doc["type"] == "FeatureCollection"
    feats = doc["features"]
    # Cells count the engagements that recorded a sign of exploitation (23 of the 38).
    with_signs = [e for e in data.map_input.engagements if e.indicators]
    assert len(data.map_input.engagements) == 38 and len(with_signs) == 23
    assert sum(f["properties"]["count"] for f in feats) == len(with_signs)
    hot = [f for f in feats if f["properties"]["class"].startswith("hot")]
    assert hot and all(f["properties"]["z"] > 0 and f["properties"]["p"] <= 0.1 for f in hot)
    ring = feats[0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) >= 7
    lon, lat = ring[0]
    assert 51 < lat < 52 and -1 < lon < 0  # GeoJSON order: lon, lat


def test_venues_geojson(data: OperationData, analysis: Analysis) -> None:
    feats = {f["properties"]["id"]: f for f in venues_geojson(data, analysis)["features"]}
    assert set(feats) == {"carwash", "church", "nails", "shelter"}
    car = feats["carwash"]["properties"]
    assert (car["visits_planned"], car["visits_done"]) == (2, 2)
    assert car["engagements"] == 24 and car["referrals"] > 0
    assert feats["carwash"]["geometry"]["coordinates"] == [-0.2566, 51.5905]
    assert feats["shelter"]["properties"]["visits_done"] == 0


def test_engagements_csv_has_no_notes(data: OperationData) -> None:
    text = engagements_csv(data)
    assert SECRET_NOTE not in text and REFERRAL_REF not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 38
    assert "notes" not in rows[0] and "signature" not in rows[0]
    assert sum(r["conflict"] == "yes" for r in rows) == 1
    assert sum(r["referral_ref_given"] == "yes" for r in rows) == 1
    amended = next(r for r in rows if r["id"].endswith("401"))
    assert amended["version_of"].endswith("400") and amended["people"] == "4"


def test_partner_share_suppresses_small_counts(data: OperationData) -> None:
    cells = partner_share(data, ILO)
    shown = [c.count for c in cells if c.count is not None]
    assert all(n >= SUPPRESS_UNDER or n == 0 for n in shown)
    assert any(c.count is None for c in cells)
    for c in cells:  # codes only, no free text
        assert re.fullmatch(r"[a-z0-9_-]+", c.table) and re.fullmatch(r"[a-z0-9_-]+", c.category)
    total = next(c for c in cells if c.table == "engagements_total")
    assert total.count == 38


def test_written_exports_agree(data: OperationData, analysis: Analysis, tmp_path: Path) -> None:
    paths = write_exports(data, analysis, tmp_path / "out", ILO)
    assert [p.name for p in paths] == list(EXPORT_FILES)
    share = json.loads((tmp_path / "out" / "partner-share.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((tmp_path / "out" / "partner-share.csv").open(encoding="utf-8")))
    for row in rows:
        value = share["tables"][row["table"]][row["category"]]
        assert (value is None) == (row["suppressed"] == "yes")
        assert row["count"] == ("" if value is None else str(value))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert SECRET_NOTE not in text and REFERRAL_REF not in text


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 40), max_size=8))
def test_suppression_leaves_nothing_derivable(counts: dict[str, int]) -> None:
    cells = _suppress("people_by_gender", Counter(counts))
    assert all(c.count is None or c.count >= SUPPRESS_UNDER or c.count == 0 for c in cells)
    hidden = [c for c in cells if c.count is None]
    assert len(hidden) != 1 or len([n for n in counts.values() if n > 0]) == 1
    # a table that adds up to nothing published keeps its other counts
    plain = _suppress("engagements_by_outcome", Counter({"a": 2, "b": 30}))
    assert [c.count for c in plain] == [None, 30]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(A1:A9)", "\t=1+1", "\r=1+1")  # fmt: skip


def hostile(n: int) -> str:
    return HOSTILE[n % len(HOSTILE)]


def test_csv_cells_from_data_never_start_a_formula(data: OperationData) -> None:
    """Every text cell a record can fill is neutralised with a leading quote; numbers the kit
    writes (a negative longitude) stay numbers."""
    from dataclasses import replace

    from fieldkit.maps.exports import share_csv
    from fieldkit.model import PeopleGroup

    text_fields = ("id", "amends", "operation", "team", "device", "officer", "time", "venue",
                   "venue_type", "visit", "language")  # fmt: skip
    records = tuple(
        replace(
            r,
            **{name: hostile(i + k) for k, name in enumerate(text_fields)},
            people=(PeopleGroup(hostile(i), hostile(i + 1), hostile(i + 2), 2),),
            partners=(hostile(i + 3),),
            indicators=(hostile(i + 4), "long_hours"),
            outcomes=(hostile(i + 5),),
        )
        for i, r in enumerate(data.engagements)
    )
    bad = replace(data, engagements=records)
    rows = list(csv.reader(io.StringIO(engagements_csv(bad), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(records)
    numbers = {"lat", "lon", "accuracy_m", "people"}
    for row in body:
        for column, cell in zip(header, row, strict=True):
            if column in numbers:
                assert cell == "" or float(cell) == float(cell.removeprefix("'")), column
                assert not cell.startswith("'"), (column, cell)
            else:
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
    by_column = dict(zip(header, body[0], strict=True))
    assert by_column["officer"] == "'" + records[0].officer  # kept, only neutralised
    assert by_column["indicators"].startswith("'")
    lons = [dict(zip(header, r, strict=True))["lon"] for r in body]
    assert any(lon.startswith("-") and float(lon) < 0 for lon in lons)  # a number, as written
    share = list(csv.reader(io.StringIO(share_csv(partner_share(bad, ILO)), newline="")))
    for row in share[1:]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
    present = [row[1] for row in share[1:] if row[0] == "engagements_by_partner_present"]
    assert "'" + hostile(3) in present
