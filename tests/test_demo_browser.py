"""The demo's hotspot map in headless Chromium, with every request off this machine blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.maps import analyse
from fieldkit.maps.render import layer_names
from fieldkit.maps.source import load_operation
from fieldkit.workspace import Workspace
from tests.support.browser import ARTEFACTS, launch, needs_chromium, visit
from tests.support.demo import OPERATION, DemoRun

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = needs_chromium


def test_the_demo_map_opens_offline_with_its_layers(demo_run: DemoRun) -> None:
    data = load_operation(Workspace(demo_run.workspace), OPERATION)
    names = list(layer_names(data.map_input, analyse(data.map_input)))
    path: Path = demo_run.maps / "hotspots.html"
    requests: list[str] = []

    def local(url: str) -> bool:
        requests.append(url)
        return url.startswith(("file:", "data:"))

    with launch() as browser, visit(browser, path.resolve().as_uri(), local) as seen:
        page = seen.page
        page.wait_for_selector(".leaflet-control-layers")
        assert page.evaluate("typeof window.L") == "object"
        assert page.locator(".leaflet-container").count() == 1
        labels = [
            t.strip()
            for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        ]
        assert labels == names and len(labels) > 3
        assert "Barnet" in page.locator("#fk-title").inner_text()
        assert page.locator(".leaflet-marker-icon").count() > 0  # the venues
        assert page.locator("path.leaflet-interactive").count() > 0  # hot cells, coverage
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "demo-map.png"))
        assert seen.errors == []
        assert seen.blocked == []
    assert requests and [u for u in requests if not u.startswith(("file:", "data:"))] == []
