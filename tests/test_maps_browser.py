"""The hotspot map in headless Chromium with every outside request blocked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from fieldkit.maps import analyse, render_map
from fieldkit.maps.render import layer_names
from fieldkit.maps.synthetic import synthetic_input

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).parent / "artefacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="Debian chromium is not installed (apt-get install -y chromium)",
)


@dataclass
class Visit:
    """What one page load did: requests let through or blocked, console errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield browser
        browser.close()


@contextmanager
def _open(browser: Any, path: Path) -> Iterator[Visit]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    visit = Visit(page)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            visit.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: visit.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector(".leaflet-control-layers")
    try:
        yield visit
    finally:
        page.close()


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
        page.locator(".leaflet-marker-icon").first.click()
        page.wait_for_function(
            "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
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
        assert visit.page.locator(".leaflet-marker-icon").count() == len(empty.venues)
        ARTEFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTEFACTS / "maps-empty.png"))
        assert visit.errors == []
        assert visit.blocked == []
