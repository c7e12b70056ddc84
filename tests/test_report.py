"""summary.json and report.html: right counts, stable form, no free text, no scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fieldkit.maps import analyse
from fieldkit.maps.report import SUMMARY_FORMAT, build_summary
from fieldkit.maps.report_html import bar_chart, render_report
from fieldkit.maps.source import OperationData, load_operation
from fieldkit.workspace import Workspace
from tests.support.operation import OP, REFERRAL_REF, SECRET_NOTE, make_workspace

DOCS = Path(__file__).resolve().parents[1] / "docs" / "report.md"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("report") / "ws")


@pytest.fixture(scope="module")
def data(ws: Workspace) -> OperationData:
    return load_operation(ws, OP)


@pytest.fixture(scope="module")
def summary(data: OperationData) -> dict[str, Any]:
    return build_summary(data, analyse(data.map_input))


def test_totals_and_breakdowns_add_up(summary: dict[str, Any], data: OperationData) -> None:
    assert summary["format"] == SUMMARY_FORMAT
    t = summary["totals"]
    assert t["engagements"] == 38
    assert t["people"] == sum(r.people_count for r in data.engagements)
    assert [d["day"] for d in summary["per_day"]] == [f"2023-09-{d}" for d in range(24, 31)]
    assert sum(d["engagements"] for d in summary["per_day"]) == 38
    assert sum(r["engagements"] for r in summary["per_venue_type"]) == 38
    teams = {r["code"]: r for r in summary["per_team"]}
    assert teams["alpha"]["label"] == "Team Alpha"
    assert teams["charlie"]["engagements"] == 6  # 8 logged, one never arrived, one forged
    assert sum(summary["people"]["by_gender"].values()) == t["people"]


def test_indicators_are_grouped_by_ilo_indicator(summary: dict[str, Any]) -> None:
    groups = {g["code"]: g for g in summary["indicators"]["by_ilo"]}
    assert [i["code"] for i in groups["debt_bondage"]["indicators"]] == ["owes_debt"]
    assert groups["excessive_overtime"]["indicators"][0]["code"] == "long_hours"
    assert groups["intimidation_and_threats"]["engagements"] == 1
    # the car-wash cluster: 24 logged, one amended to show no signs (401), one conflict side
    assert groups["debt_bondage"]["engagements"] == 22


def test_referrals_coverage_and_hot_cells(summary: dict[str, Any]) -> None:
    kinds = {r["code"]: r["engagements"] for r in summary["referrals"]["by_kind"]}
    assert set(kinds) <= {"nrm_referral", "safeguarding_referral"}
    assert summary["referrals"]["total"] == sum(kinds.values()) > 0
    cov = summary["coverage"]
    assert (cov["planned"], cov["done"], cov["missed"], cov["unassigned"]) == (6, 4, 2, 1)
    assert {m["venue"] for m in cov["missed_visits"]} == {"shelter"}
    hot = summary["hot_cells"]
    assert hot and hot[0]["class"].startswith("hot_")
    assert abs(hot[0]["lat"] - 51.5905) < 0.01 and abs(hot[0]["lon"] + 0.2566) < 0.01
    assert hot == sorted(hot, key=lambda c: -c["z"])


def test_data_quality(summary: dict[str, Any]) -> None:
    q = summary["data_quality"]
    assert q["central"] and q["records"] == 42 and q["engagements"] == 38
    assert len(q["conflicts"]) == 1 and len(q["conflicts"][0]["versions"]) == 2
    assert sorted(p["kind"] for p in q["problems"]) == ["bad signature", "gap"]
    assert q["venues_without_coordinates"] == ["nowhere"]


def test_summary_is_stable_and_holds_no_free_text(
    summary: dict[str, Any], data: OperationData
) -> None:
    again = build_summary(data, analyse(data.map_input))
    assert json.dumps(again, sort_keys=True) == json.dumps(summary, sort_keys=True)
    text = json.dumps(summary)
    assert SECRET_NOTE not in text and REFERRAL_REF not in text
    assert "notes" not in text


def test_report_html_is_self_contained_with_charts(summary: dict[str, Any]) -> None:
    html = render_report(summary)
    assert html.count("<svg") >= 6
    assert "<script" not in html.lower()
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert SECRET_NOTE not in html and REFERRAL_REF not in html
    assert "Test week of action (testop)" in html
    assert "4 of 6 planned visits done" in html
    assert "bad signature" in html and "Conflicts" in html
    # People are shown with the code lists' labels, not raw codes.
    assert "age_18_24" not in html and "age 18 24" not in html
    assert any(label in html for label in ("18 to 24", "25 to 34", "35 to 49"))


def test_bar_chart_scales_bars_to_the_largest() -> None:
    svg = bar_chart([("a", 10), ("b", 5)], width=400)
    widths = [float(w) for w in re.findall(r"<rect [^>]*width='([\d.]+)'", svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "Nothing to show" in bar_chart([])


def test_an_empty_operation_still_reports(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    data = load_operation(ws, OP)
    summary = build_summary(data, analyse(data.map_input))
    assert summary["empty"] and summary["totals"]["engagements"] == 0
    assert summary["hot_cells"] == [] and summary["coverage"]["planned"] == 6
    html = render_report(summary)
    assert "No engagements recorded for this operation yet" in html
    assert "No central store" in html


def test_docs_describe_every_summary_key(summary: dict[str, Any]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key in summary:
        assert f"`{key}`" in text, key
    for key in summary["data_quality"]:
        assert f"`{key}`" in text, key
