"""The map's base layer: an offline base map's tiles (inlined or beside the map) or online tiles."""

from __future__ import annotations

import base64
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.template import Template

from fieldkit.maps.basemap import BaseMap
from fieldkit.maps.layers import as_html, to_js

#: A base map up to this many bytes of tiles is inlined into the page; a larger one is
#: written beside the map in a folder of its own (the page then needs that folder).
INLINE_LIMIT = 4 * 1024 * 1024
#: Short names for online tile sets, as the README gives them.
TILE_ALIASES = {"osm": "OpenStreetMap"}
ONLINE_LABEL = "(online: needs the internet)"
_BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


class OfflineTiles(MacroElement):
    """A Leaflet tile layer whose tiles are a table of URLs (data: or beside the map), no server."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var tiles = {{ this.payload }};
            var Offline = L.TileLayer.extend({
                getTileUrl: function (c) {
                    return tiles[c.z + "/" + c.x + "/" + c.y] || {{ this.blank }};
                }
            });
            new Offline("", {minNativeZoom: {{ this.min_zoom }}, maxNativeZoom: {{ this.max_zoom }},
                             minZoom: 0, maxZoom: 19, attribution: {{ this.attribution }}})
                .addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, basemap: BaseMap, urls: dict[str, str], beside: bool = False) -> None:
        """`urls` by "z/x/y"; `beside` when they are files beside the page, not data: URIs."""
        super().__init__()
        self._name = "OfflineTiles"
        self.beside = beside
        self.payload = to_js(urls)
        self.blank = to_js(_BLANK)
        self.min_zoom = min(basemap.zooms)
        self.max_zoom = max(basemap.zooms)
        self.attribution = to_js(as_html(f"Base map: {basemap.source.name} (offline)"))


def _key(z: int, x: int, y: int) -> str:
    return f"{z}/{x}/{y}"


def inline_urls(basemap: BaseMap) -> dict[str, str]:
    """Each tile as a data: URI."""
    return {
        _key(*k): f"data:{basemap.kind};base64,{base64.b64encode(data).decode('ascii')}"
        for k, data in sorted(basemap.tiles.items())
    }


def write_beside(basemap: BaseMap, map_path: Path) -> dict[str, str]:
    """Write the tiles to a folder beside the map; their URLs relative to the map."""
    folder = map_path.parent / f"{map_path.stem}-tiles"
    urls: dict[str, str] = {}
    for (z, x, y), data in sorted(basemap.tiles.items()):
        path = folder / str(z) / str(x) / f"{y}.{basemap.extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        urls[_key(z, x, y)] = path.relative_to(map_path.parent).as_posix()
    return urls


def offline_tiles(basemap: BaseMap, map_path: Path | None) -> OfflineTiles:
    """The base map's layer: inlined when small enough (or when there is no file to sit beside)."""
    if map_path is None or basemap.size <= INLINE_LIMIT:
        return OfflineTiles(basemap, inline_urls(basemap))
    return OfflineTiles(basemap, write_beside(basemap, map_path), beside=True)


def online_tiles(tiles: str) -> folium.TileLayer:
    """A named online tile set, labelled as needing the internet (ValueError if unknown)."""
    name = TILE_ALIASES.get(tiles.lower(), tiles)
    layer = folium.TileLayer(name)
    layer.layer_name = f"{name} {ONLINE_LABEL}"
    credit = layer.options.get("attribution") or ""
    layer.options["attribution"] = f"Online tiles, need the internet · {credit}"
    return layer
