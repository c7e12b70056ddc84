"""`fieldkit map --basemap FILE` and `--tiles osm` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.maps import analyse
from fieldkit.maps.render import render_html
from fieldkit.maps.synthetic import synthetic_input
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.operation import OP, make_workspace
from tests.support.tiles import keys_over, make_mbtiles

BARNET = ((51.57, -0.29), (51.66, -0.18))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("basemap") / "ws")


def test_map_with_a_basemap_carries_its_tiles(ws: Workspace, tmp_path: Path) -> None:
    tiles = make_mbtiles(tmp_path / "force.mbtiles", keys_over(BARNET, range(11, 13)))
    done = invoke("map", "--basemap", tiles, "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    html = (ws.maps / OP / "hotspots.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "force.mbtiles (offline)" in html


@pytest.mark.parametrize("content", [b"not tiles at all", b"SQLite format 3\x00" + b"\x00" * 99])
def test_bad_basemap_exits_2_with_one_line(ws: Workspace, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.mbtiles"
    bad.write_bytes(content)
    done = invoke("map", "--basemap", bad, "--workspace", ws.root)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "bad.mbtiles" in lines[-1] and "Traceback" not in done.stderr
    assert [line for line in lines if "bad.mbtiles" in line] == [lines[-1]]


def test_basemap_without_the_area_exits_2(ws: Workspace, tmp_path: Path) -> None:
    paris = make_mbtiles(
        tmp_path / "paris.mbtiles", keys_over(((48.8, 2.25), (48.9, 2.4)), range(12, 13))
    )
    done = invoke("map", "--basemap", paris, "--workspace", ws.root)
    assert done.returncode == 2 and "no tiles cover the operation's area" in done.stderr
    assert "Traceback" not in done.stderr


def test_tiles_and_basemap_together_are_refused(ws: Workspace, tmp_path: Path) -> None:
    done = invoke(
        "map", "--tiles", "osm", "--basemap", tmp_path / "x.mbtiles", "--workspace", ws.root
    )
    assert done.returncode == 2 and "not both" in done.stderr


def test_online_tiles_by_their_short_name_say_they_need_the_internet() -> None:
    map_input, _ = synthetic_input(50, seed=2)
    html = render_html(map_input, analyse(map_input), tiles="osm")
    assert "tile.openstreetmap.org" in html
    assert "OpenStreetMap (online: needs the internet)" in html
