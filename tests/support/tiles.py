"""Small base map files for tests: MBTiles and PMTiles of generated PNG tiles over an area."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from PIL import Image

from fieldkit.maps.basemap import Bounds, TileKey, tile_range


def png(key: TileKey) -> bytes:
    """A 256 px tile whose colour tells its zoom, column and row apart."""
    z, x, y = key
    img = Image.new("RGB", (256, 256), ((z * 37) % 256, (x * 53) % 256, (y * 71) % 256))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def keys_over(bounds: Bounds, zooms: range) -> list[TileKey]:
    """Every XYZ tile covering `bounds` at `zooms`."""
    out: list[TileKey] = []
    for z in zooms:
        xs, ys = tile_range(bounds, z)
        out += [(z, x, y) for x in xs for y in ys]
    return out


def make_mbtiles(path: Path, keys: list[TileKey], fmt: str = "png") -> Path:
    """An MBTiles file (TMS rows, as the spec says) holding a PNG for each key."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
    )
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)", [("name", "test streets"), ("format", fmt)]
    )
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, 2**z - 1 - y, png((z, x, y))) for z, x, y in keys],
    )
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, keys: list[TileKey]) -> Path:
    """A PMTiles archive (v3, uncompressed PNG tiles) holding a PNG for each key."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    with write(str(path)) as writer:
        for tile_id, key in sorted((zxy_to_tileid(*k), k) for k in keys):
            writer.write_tile(tile_id, png(key))
        zooms = [k[0] for k in keys]
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_zoom": min(zooms),
                "max_zoom": max(zooms),
                "min_lon_e7": -1800000000,
                "min_lat_e7": -850000000,
                "max_lon_e7": 1800000000,
                "max_lat_e7": 850000000,
                "center_zoom": min(zooms),
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {"name": "test streets"},
        )
    return path
