"""An offline base map from MBTiles and PMTiles: read, placed with the map, shown offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.maps import analyse, render_map
from fieldkit.maps.basemap import BaseMapError, read_basemap, tile_range
from fieldkit.maps.render import render_html
from fieldkit.maps.synthetic import AREA, synthetic_input
from tests.support.browser import ARTEFACTS, launch, needs_chromium, visit
from tests.support.tiles import keys_over, make_mbtiles, make_pmtiles, png

ZOOMS = range(10, 14)
KEYS = keys_over(AREA, ZOOMS)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tiles")
    return {
        "mbtiles": make_mbtiles(folder / "streets.mbtiles", KEYS),
        "pmtiles": make_pmtiles(folder / "streets.pmtiles", KEYS),
    }


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_reads_the_tiles_over_the_area_in_leaflet_order(files: dict[str, Path], kind: str) -> None:
    basemap = read_basemap(files[kind], AREA)
    assert basemap.zooms == list(ZOOMS)
    assert set(basemap.tiles) == set(KEYS)
    # Each tile is the one made for its XYZ place: MBTiles' TMS rows are turned the right way.
    assert all(basemap.tiles[k] == png(k) for k in KEYS)


def test_only_the_tiles_over_the_area_are_taken(tmp_path: Path) -> None:
    (s, w), (n, e) = AREA
    wider = ((s - 0.5, w - 0.5), (n + 0.5, e + 0.5))
    path = make_mbtiles(tmp_path / "wide.mbtiles", keys_over(wider, range(9, 12)))
    basemap = read_basemap(path, AREA)
    assert set(basemap.tiles) == set(keys_over(AREA, range(9, 12)))


def test_tile_range_of_a_known_place() -> None:
    xs, ys = tile_range(((51.5, -0.13), (51.5, -0.13)), 10)
    assert (xs.start, ys.start) == (511, 340)  # central London at zoom 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not tiles", "neither an MBTiles (SQLite) file nor a PMTiles archive"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "MBTiles"),
        (b"PMTiles\x03" + b"\x00" * 10, "not a readable PMTiles archive"),
    ],
)
def test_not_a_tile_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.mbtiles"
    path.write_bytes(content)
    with pytest.raises(BaseMapError, match=re.escape(message)):
        read_basemap(path, AREA)


def test_tiles_elsewhere_are_refused(tmp_path: Path) -> None:
    paris = ((48.80, 2.25), (48.90, 2.40))
    path = make_mbtiles(tmp_path / "paris.mbtiles", keys_over(paris, ZOOMS))
    with pytest.raises(BaseMapError, match="no tiles cover the operation's area"):
        read_basemap(path, AREA)
    pm = make_pmtiles(tmp_path / "paris.pmtiles", keys_over(paris, ZOOMS))
    with pytest.raises(BaseMapError, match="no tiles cover the operation's area"):
        read_basemap(pm, AREA)


def test_vector_tiles_are_refused(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "vector.mbtiles", KEYS, fmt="pbf")
    with pytest.raises(BaseMapError, match="'pbf'; a base map needs png/jpg/webp"):
        read_basemap(path, AREA)


def test_small_base_map_is_inlined_and_the_policy_needs_no_more(files: dict[str, Path]) -> None:
    map_input, _ = synthetic_input(200, seed=3)
    basemap = read_basemap(files["mbtiles"], AREA)
    html = render_html(map_input, analyse(map_input), basemap=basemap)
    assert "data:image/png;base64," in html
    assert "img-src data: blob:;" in html  # nothing but data: for images
    assert "streets.mbtiles (offline)" in html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with launch() as browser:
        yield browser


def _loaded_tiles(browser: Any, path: Path) -> tuple[list[str], Any]:
    with visit(browser, path.resolve().as_uri(), lambda u: u.startswith(("file:", "data:"))) as v:
        v.page.wait_for_selector("img.leaflet-tile-loaded")
        v.page.wait_for_load_state("networkidle")
        srcs = v.page.eval_on_selector_all(
            "img.leaflet-tile-loaded", "imgs => imgs.map(i => i.src)"
        )
        ARTEFACTS.mkdir(exist_ok=True)
        v.page.screenshot(path=str(ARTEFACTS / f"maps-basemap-{path.stem}.png"))
        return srcs, v


@needs_chromium
@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_inlined_base_map_shows_in_chromium_offline(
    browser: Any, files: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    map_input, _ = synthetic_input(300, seed=5)
    path = render_map(map_input, analyse(map_input), tmp_path / f"{kind}.html", basemap=files[kind])
    srcs, seen = _loaded_tiles(browser, path)
    streets = [s for s in srcs if s.startswith("data:image/png")]
    assert len(streets) >= 4, srcs
    assert seen.blocked == [] and seen.errors == []
    assert not (tmp_path / f"{kind}-tiles").exists()


@needs_chromium
def test_large_base_map_goes_beside_the_map_and_shows(
    browser: Any, files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fieldkit.maps.tile_layers.INLINE_LIMIT", 1000)
    map_input, _ = synthetic_input(300, seed=5)
    path = render_map(
        map_input, analyse(map_input), tmp_path / "big.html", basemap=files["mbtiles"]
    )
    html = path.read_text(encoding="utf-8")
    assert '"big-tiles/10/' in html and "img-src data: blob: 'self';" in html
    assert len(list((tmp_path / "big-tiles").rglob("*.png"))) == len(KEYS)
    srcs, seen = _loaded_tiles(browser, path)
    beside = [s for s in srcs if s.startswith("file:") and "/big-tiles/" in s]
    assert len(beside) >= 4, srcs
    assert seen.blocked == [] and seen.errors == []


@given(cut=st.integers(8, 4000), flips=st.lists(st.integers(7, 400), max_size=6))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_broken_pmtiles_is_refused_in_one_message(
    files: dict[str, Path], tmp_path: Path, cut: int, flips: list[int]
) -> None:
    data = bytearray(files["pmtiles"].read_bytes()[:cut])
    for at in flips:
        if at < len(data):
            data[at] ^= 0x5A
    path = tmp_path / "broken.pmtiles"
    path.write_bytes(bytes(data))
    try:
        read_basemap(path, AREA)
    except BaseMapError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
