"""The offline folium map: self-contained, layered, private, and honest about empty data."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from fieldkit.maps import analyse, render_map
from fieldkit.maps.offline import OfflineAssetError, inline_assets
from fieldkit.maps.render import MapOptionError, layer_names, render_html
from fieldkit.maps.synthetic import synthetic_input


@pytest.fixture(scope="module")
def small() -> tuple[object, object]:
    map_input, _ = synthetic_input(400, seed=5)
    return map_input, analyse(map_input)


def _outside_links(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html)
    return [t for t in tags if re.search(r"(?:src|href)=[\"'](?:https?:)?//", t)]


def test_map_is_self_contained(small, tmp_path: Path) -> None:
    map_input, analysis = small
    out = render_map(map_input, analysis, tmp_path / "maps" / "op" / "hotspots.html")
    html = out.read_text(encoding="utf-8")
    assert _outside_links(html) == []
    assert "xstatic-leaflet: leaflet.js" in html
    assert "L.tileLayer" not in html  # tiles are off by default
    assert "jquery" not in html.lower().split("</head>")[0]


def test_title_legend_and_layers(small) -> None:
    map_input, analysis = small
    html = render_html(map_input, analysis)
    assert "Synthetic operation (synthetic)" in html
    assert "Mon 18 Sep 2023 to Sun 24 Sep 2023" in html
    assert "data as of Mon 25 Sep 2023 10:00 BST" in html
    assert f"Bandwidth {analysis.bandwidth_m:,.0f} m · cell {analysis.cell_m:,.0f} m" in html
    names = layer_names(map_input, analysis)
    assert "Hot and cold spots (Gi*, hex cells)" in names
    assert any(n.startswith("Density (quartic kernel") for n in names)
    assert sum(n.startswith("Day · ") for n in names) == 7
    assert any(n.startswith("Indicator · ") for n in names)
    assert any(n.startswith("Venues · ") for n in names)
    assert "Plan coverage (planned visits done / not done)" in names
    assert "Engagements (individual points)" not in names


def test_points_only_when_asked(small) -> None:
    map_input, analysis = small
    assert "PointsLayer" not in render_html(map_input, analysis)
    with_points = render_html(map_input, analysis, points=True)
    assert "Engagements (individual points)" in with_points


def test_venue_popups_count_visits_and_referrals(small) -> None:
    map_input, analysis = small
    html = render_html(map_input, analysis)
    assert "Visits planned" in html and "Visits done" in html
    assert "Referrals" in html and "NRM referral (by a first responder)" in html
    assert "planned visits done" in html and "Not done:" in html


def test_empty_operation_still_renders_and_says_so(small, tmp_path: Path) -> None:
    map_input, _ = small
    empty = replace(map_input, engagements=())
    analysis = analyse(empty)
    html = render_map(empty, analysis, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "No engagements recorded for this operation yet" in html
    names = layer_names(empty, analysis)
    assert any(n.startswith("Venues · ") for n in names)
    assert not any(n.startswith("Density") or n.startswith("Day · ") for n in names)
    assert _outside_links(html) == []


def test_tiles_are_an_option(small) -> None:
    map_input, analysis = small
    assert "L.tileLayer" in render_html(map_input, analysis, tiles="OpenStreetMap")
    with pytest.raises(MapOptionError, match="no-such-tiles"):
        render_html(map_input, analysis, tiles="no-such-tiles")


def test_unknown_outside_asset_is_refused() -> None:
    page = '<head><script src="https://cdn.example.org/lib/unknown.js"></script></head>'
    with pytest.raises(OfflineAssetError, match="unknown.js"):
        inline_assets(page)
    dropped = '<head><script src="https://code.jquery.com/jquery-3.7.1.min.js"></script></head>'
    assert inline_assets(dropped) == "<head></head>"


def test_demo_playbook_renders_before_any_engagement(tmp_path: Path) -> None:
    from fieldkit.maps.from_playbook import map_input_from_playbook
    from fieldkit.playbook import load_playbook

    root = Path(__file__).resolve().parent.parent
    playbook = load_playbook(root / "playbooks" / "barnet-week-of-action.yaml")
    map_input = map_input_from_playbook(playbook)
    assert map_input.operation_id == playbook.operation.id
    assert map_input.area_outline is not None and len(map_input.venues) > 5
    html = render_map(map_input, analyse(map_input), tmp_path / "demo.html").read_text("utf-8")
    assert playbook.operation.name in html
    assert "No engagements recorded" in html
    assert _outside_links(html) == []
