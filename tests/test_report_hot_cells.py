"""Top hot cells: only cells with engagements, named by venue; hot spots said in plain words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fieldkit.codes import load_codes
from fieldkit.maps import analyse
from fieldkit.maps.legend import legend_html
from fieldkit.maps.report import build_summary
from fieldkit.maps.report_html import render_report
from fieldkit.maps.source import OperationData, load_operation
from tests.support.operation import OP, make_workspace

CAR_WASH = "Hand car wash, Edgware Road"
PLAIN_99 = "more engagements with signs here than chance would give, 99% confidence"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> OperationData:
    return load_operation(make_workspace(tmp_path_factory.mktemp("hot") / "ws"), OP)


@pytest.fixture(scope="module")
def summary(data: OperationData) -> dict[str, Any]:
    return build_summary(data, analyse(data.map_input))


def test_top_hot_cells_hold_engagements_with_signs(summary: dict[str, Any]) -> None:
    """A cell hot only because its neighbours are (no engagement in it) is not listed."""
    hot = summary["hot_cells"]
    assert hot, "the car-wash cluster is hot"
    assert all(c["count"] > 0 for c in hot), [c["cell"] for c in hot if c["count"] == 0]
    assert all(c["engagements"] >= c["count"] for c in hot)


def test_each_hot_cell_names_the_venues_inside_or_nearest(summary: dict[str, Any]) -> None:
    hot = summary["hot_cells"]
    for cell in hot:
        assert cell["venues"], cell["cell"]
        for v in cell["venues"]:
            assert set(v) == {"id", "name", "inside", "distance_m"}
            assert v["inside"] == (v["distance_m"] is None)
    inside = [c for c in hot if any(v["inside"] for v in c["venues"])]
    assert [v["name"] for v in inside[0]["venues"]] == [CAR_WASH]
    outside = [c for c in hot if not any(v["inside"] for v in c["venues"])]
    assert outside, "the cluster spreads over the car wash's neighbouring cells"
    for cell in outside:  # the nearest venue, with its distance from the cell's centre
        (near,) = cell["venues"]
        assert near["name"] == CAR_WASH and 0 < near["distance_m"] < 500


def test_report_names_hot_cells_by_venue_with_statistics_one_click_away(
    summary: dict[str, Any],
) -> None:
    html = render_report(summary)
    section = html.split("Top hot cells", 1)[1].split("<h2>", 1)[0]
    assert CAR_WASH in section
    assert re.search(rf"nearest: {re.escape(CAR_WASH)}, \d[\d,]* m from the cell", section)
    assert PLAIN_99 in html
    # The H3 ids and Gi* statistics are there, behind a click: inside <details>.
    outside_details = re.sub(r"<details>.*?</details>", "", section, flags=re.S)
    for cell in summary["hot_cells"]:
        assert cell["cell"] in section and cell["cell"] not in outside_details
    assert "Gi*" in section and "z" in section


def test_legend_says_what_a_hot_spot_means(data: OperationData) -> None:
    analysis = analyse(data.map_input)
    html = legend_html(load_codes(), analysis, ["car_wash"])
    assert PLAIN_99 in html
    plain = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
    assert "Getis-Ord" not in plain and "Gi*" not in plain  # the statistics: one click away
    assert re.search(r"<details><summary>[^<]*</summary>.*Getis-Ord Gi\*", html, flags=re.S)
