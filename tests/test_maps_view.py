"""Where the map first looks (the engagements) and venues that overlap (clustered, spread)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fieldkit.maps import analyse, render_map
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.layers import spread_steps
from fieldkit.maps.render import view_bounds
from fieldkit.maps.synthetic import synthetic_input
from tests.support.browser import launch, needs_chromium, visit

LUTON = (51.8787, -0.4200)


def at_luton(map_input: MapInput) -> MapInput:
    """The same operation, its engagements logged around Luton airport (outside its area)."""
    moved = tuple(
        replace(e, lat=LUTON[0] + (i % 7) * 0.001, lon=LUTON[1] + (i % 5) * 0.001)
        for i, e in enumerate(map_input.engagements)
    )
    return replace(map_input, engagements=moved)


def shared_place(map_input: MapInput) -> MapInput:
    """Three venues of different types at the very same place."""
    first = map_input.venues[0]
    venues = list(map_input.venues)
    for i in (1, 2):
        venues[i] = replace(venues[i], lat=first.lat, lon=first.lon)
    return replace(map_input, venues=tuple(venues))


def test_view_fits_the_engagements_not_the_area() -> None:
    map_input = at_luton(synthetic_input(60, seed=4)[0])
    (south, west), (north, east) = view_bounds(map_input)
    assert south >= LUTON[0] - 0.01 and north <= LUTON[0] + 0.01
    assert west >= LUTON[1] - 0.01 and east <= LUTON[1] + 0.01


def test_view_without_engagements_is_the_area() -> None:
    map_input = synthetic_input(10, seed=4)[0]
    empty = replace(map_input, engagements=())
    outline = empty.area_outline or ()
    assert view_bounds(empty) == [
        [min(p[0] for p in outline), min(p[1] for p in outline)],
        [max(p[0] for p in outline), max(p[1] for p in outline)],
    ]


def test_spread_steps_count_venues_at_one_place_across_types() -> None:
    a = (51.5, -0.1, "A", "", "")
    b = (51.6, -0.1, "B", "", "")
    assert spread_steps([[a, b], [a], [a, b]]) == [[0, 0], [1], [2, 1]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with launch() as browser:
        yield browser


@needs_chromium
def test_map_opens_on_the_engagements_with_shared_places_clustered(
    browser: Any, tmp_path: Path
) -> None:
    map_input = shared_place(at_luton(synthetic_input(80, seed=4)[0]))
    path = render_map(map_input, analyse(map_input), tmp_path / "luton.html")
    name = re.search(r"var (map_[0-9a-f]+) = L\.map", path.read_text(encoding="utf-8"))
    assert name
    with visit(browser, path.as_uri(), lambda u: u.startswith(("file:", "data:"))) as seen:
        page = seen.page
        page.wait_for_selector(".leaflet-control-layers")
        centre = page.evaluate(f"() => {name[1]}.getCenter()")
        assert abs(centre["lat"] - LUTON[0]) < 0.02 and abs(centre["lng"] - LUTON[1]) < 0.02
        # the fit to the engagements zooms with an animation: a view set before it ends is undone
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        page.evaluate(f"() => {name[1]}.setView([{map_input.venues[0].lat}, "
                      f"{map_input.venues[0].lon}], 15, {{animate: false}})")  # fmt: skip
        page.wait_for_selector(".marker-cluster")
        counts = [
            t.split()[0] for t in page.locator(".marker-cluster > div > span").all_inner_texts()
        ]
        assert "3" in counts  # the three venues at one place are one cluster of 3
        page.evaluate(f"() => {name[1]}.setView({name[1]}.getCenter(), 19, {{animate: false}})")
        page.locator(".marker-cluster").first.click()  # at the top zoom: spread out
        page.wait_for_function("() => document.querySelectorAll('.fk-venue').length >= 3")
        assert seen.errors == [] and seen.blocked == []
