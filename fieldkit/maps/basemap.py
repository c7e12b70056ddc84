"""A base map with no network: the raster tiles over an area from an MBTiles or PMTiles file."""

from __future__ import annotations

import gzip
import math
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fieldkit.errors import UserError

#: Image kinds a base map may hold, by the names MBTiles and PMTiles give them.
IMAGE_KINDS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
#: A zoom whose tiles over the area number more than this is left out (Leaflet enlarges
#: the tiles of the zoom below instead), so a country-wide export never floods the map.
MAX_TILES_PER_ZOOM = 1024
#: Leaflet shows zooms up to 19; deeper tiles in a file are left out.
MAX_ZOOM = 19

Bounds = tuple[tuple[float, float], tuple[float, float]]
TileKey = tuple[int, int, int]


class BaseMapError(UserError):
    """A base map file that cannot be used: not a tile file, no image tiles, none over the area."""


@dataclass(frozen=True)
class BaseMap:
    """The tiles of a base map that cover an area, keyed (zoom, x, y) in XYZ (Leaflet's) order."""

    source: Path
    kind: str
    tiles: dict[TileKey, bytes]

    @property
    def zooms(self) -> list[int]:
        return sorted({z for z, _, _ in self.tiles})

    @property
    def extension(self) -> str:
        return "jpg" if self.kind == "image/jpeg" else self.kind.split("/")[1]

    @property
    def size(self) -> int:
        return sum(len(t) for t in self.tiles.values())


def tile_range(bounds: Bounds, zoom: int) -> tuple[range, range]:
    """The x and y (XYZ) of the Web Mercator tiles at `zoom` that cover `bounds`."""
    (south, west), (north, east) = bounds
    n = 2**zoom

    def x_of(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180.0) / 360.0 * n)))

    def y_of(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        rad = math.radians(lat)
        return min(n - 1, max(0, int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)))

    return range(x_of(west), x_of(east) + 1), range(y_of(north), y_of(south) + 1)


def _covering(bounds: Bounds, zooms: Iterable[int]) -> Iterable[TileKey]:
    for z in zooms:
        xs, ys = tile_range(bounds, z)
        if len(xs) * len(ys) > MAX_TILES_PER_ZOOM:
            continue
        for x in xs:
            for y in ys:
                yield z, x, y


def _pick(
    source: Path, kind: str, bounds: Bounds, zooms: Iterable[int], get: Callable[[TileKey], bytes]
) -> BaseMap:
    tiles: dict[TileKey, bytes] = {}
    for key in _covering(bounds, zooms):
        data = get(key)
        if data:
            tiles[key] = data
    if not tiles:
        (s, w), (n, e) = bounds
        raise BaseMapError(
            f"{source}: no tiles cover the operation's area "
            f"({s:.4f},{w:.4f} to {n:.4f},{e:.4f}) at the zooms it holds"
        )
    return BaseMap(source, kind, tiles)


def _read_mbtiles(path: Path, bounds: Bounds) -> BaseMap:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BaseMapError(f"{path}: cannot open as MBTiles ({exc})") from exc
    try:
        meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
        fmt = str(meta.get("format", "png")).lower()
        if fmt not in IMAGE_KINDS:
            raise BaseMapError(f"{path}: tiles of format {fmt!r}; a base map needs png/jpg/webp")
        rows = db.execute(
            "SELECT DISTINCT zoom_level FROM tiles WHERE zoom_level BETWEEN 0 AND ?", (MAX_ZOOM,)
        )
        zooms = sorted(int(r[0]) for r in rows)

        def get(key: TileKey) -> bytes:
            z, x, y = key
            row = db.execute(  # MBTiles rows are TMS: y counts from the south
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, 2**z - 1 - y),
            ).fetchone()
            return bytes(row[0]) if row and row[0] else b""

        return _pick(path, IMAGE_KINDS[fmt], bounds, zooms, get)
    except (sqlite3.Error, ValueError, TypeError) as exc:  # not SQLite, no tiles table, odd rows
        raise BaseMapError(f"{path}: not an MBTiles file ({exc})") from exc
    finally:
        db.close()


def _read_pmtiles(path: Path, bounds: Bounds) -> BaseMap:
    try:
        with path.open("rb") as f:
            return _pmtiles_over(path, f, bounds)
    except BaseMapError:
        raise
    except Exception as exc:  # the library raises what its decoders raise on broken bytes
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BaseMapError(f"{path}: not a readable PMTiles archive ({reason})") from exc


def _pmtiles_over(path: Path, f: BinaryIO, bounds: Bounds) -> BaseMap:
    from pmtiles.reader import MmapSource, Reader
    from pmtiles.tile import Compression, TileType

    reader = Reader(MmapSource(f))
    header = reader.header()
    kinds = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
    if header["tile_type"] not in kinds:
        raise BaseMapError(
            f"{path}: tiles of type {header['tile_type'].name}; a base map needs png/jpg/webp"
        )
    gzipped = header["tile_compression"] == Compression.GZIP

    def get(key: TileKey) -> bytes:
        data = reader.get(*key)
        if not data:
            return b""
        return gzip.decompress(data) if gzipped else bytes(data)

    zooms = range(header["min_zoom"], min(header["max_zoom"], MAX_ZOOM) + 1)
    return _pick(path, IMAGE_KINDS[kinds[header["tile_type"]]], bounds, zooms, get)


def read_basemap(path: Path, bounds: Bounds) -> BaseMap:
    """The tiles of the MBTiles or PMTiles file at `path` that cover `bounds`, at its zooms."""
    if not path.is_file():
        raise BaseMapError(f"{path}: no such base map file")
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"PMTiles"):
        return _read_pmtiles(path, bounds)
    if head.startswith(b"SQLite format 3\x00"):
        return _read_mbtiles(path, bounds)
    raise BaseMapError(f"{path}: neither an MBTiles (SQLite) file nor a PMTiles archive")
