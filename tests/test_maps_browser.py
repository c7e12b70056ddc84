"""The hotspot map in headless Chromium with every outside request blocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fieldkit.maps import analyse, render_map
from fieldkit.maps.render import layer_names
from fieldkit.maps.synthetic import synthetic_input
from tests.support.browser import ARTEFACTS, Visit, launch, needs_chromium, visit

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as browser:
        yield browser


@contextmanager
def _open(browser: Any, path: Path) -> Iterator[Visit]:
    local = ("file:", "data:")
    with visit(browser, path.resolve().as_uri(), lambda u: u.startswith(local)) as seen:
        seen.page.wait_for_selector(".leaflet-control-layers")
        yield seen


def venues_shown(page: Any) -> int:
    """Venue markers on the map, each cluster counting the venues it holds."""
    alone = page.locator(".fk-venue").count()
    clustered = sum(
        int(t.split()[0]) for t in page.locator(".marker-cluster > div > span").all_inner_texts()
    )
    return alone + clustered


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    map_input, _ = synthetic_input(2000, seed=11)
    analysis = analyse(map_input)
    out = render_map(map_input, analysis, tmp_path_factory.mktemp("maps") / "hotspots.html")
    return out, list(layer_names(map_input, analysis))


def test_map_loads_offline_with_its_layers(browser: Any, rendered: tuple[Path, list[str]]) -> None:
    path, names = rendered
    with _open(browser, path) as visit:
        page = visit.page
        assert page.evaluate("typeof window.L") == "object"
        assert page.locator(".leaflet-container").count() == 1
        labels = [
            t.strip()
            for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        ]
        assert labels == names
        assert page.locator("#fk-title").inner_text().startswith("Synthetic operation")
        assert "Bandwidth" in page.locator("#fk-legend").inner_text()
        shapes_before = page.locator("path.leaflet-interactive").count()
        assert shapes_before > 0  # hot cells and coverage rings are drawn
        page.get_by_label(names[[n.startswith("Day · ") for n in names].index(True)]).check()
        assert page.locator("path.leaflet-interactive").count() > shapes_before
        page.locator(".fk-venue").first.click()
        page.wait_for_function(  # a function: the page's policy forbids eval of a string
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        )
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "Visits planned" in popup and "Engagements" in popup
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "maps-hotspots.png"))
        assert visit.errors == []
        assert visit.blocked == []


def test_empty_map_loads_and_says_so(browser: Any, tmp_path: Path) -> None:
    map_input, _ = synthetic_input(10, seed=1)
    empty = replace(map_input, engagements=())
    path = render_map(empty, analyse(empty), tmp_path / "empty.html")
    with _open(browser, path) as visit:
        assert "No engagements recorded" in visit.page.locator("#fk-title").inner_text()
        assert venues_shown(visit.page) == len(empty.venues)
        ARTEFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTEFACTS / "maps-empty.png"))
        assert visit.errors == []
        assert visit.blocked == []
