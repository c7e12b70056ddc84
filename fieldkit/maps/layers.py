"""Compact Leaflet layers for the hotspot map: hex cells, venues, coverage rings and points.

Hex boundaries are written once in a shared table; each layer refers to cells by index and
builds its shapes only when first shown, so a map with a layer per day and per indicator
stays small and opens fast.

Leaflet shows tooltips, popups, icons and layer names as HTML. Every such text passes
through `as_html`: a `Markup` fragment (built with its data escaped) is kept, any other
string is escaped, so text from a plan or a record never becomes markup by mistake.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import folium
import h3
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from markupsafe import escape

GISTAR_COLOURS = {
    "hot_99": "#b2182b",
    "hot_95": "#ef8a62",
    "hot_90": "#fddbc7",
    "not_significant": "#f7f7f7",
    "cold_90": "#d1e5f0",
    "cold_95": "#67a9cf",
    "cold_99": "#2166ac",
}
GISTAR_LABELS = {
    "hot_99": "Hot spot, 99% confidence",
    "hot_95": "Hot spot, 95% confidence",
    "hot_90": "Hot spot, 90% confidence",
    "not_significant": "Not significant",
    "cold_90": "Cold spot, 90% confidence",
    "cold_95": "Cold spot, 95% confidence",
    "cold_99": "Cold spot, 99% confidence",
}
#: Where folium would link Leaflet.markercluster from; the offline page inlines it instead.
_CLUSTER_CDN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0"
#: Sequential ramp for count layers (per day, per indicator), light to dark.
COUNT_COLOURS = ("#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")


def to_js(data: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&`, no line separators."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def as_html(text: str) -> str:
    """HTML for a Leaflet sink: a Markup fragment as it is, any other text escaped."""
    return str(escape(text))


class _HtmlNames(OrderedDict[str, str]):
    """Layer names keyed as HTML: Leaflet's layer control inserts each name as markup."""

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(as_html(key), value)


class LayerControl(folium.LayerControl):
    """folium's layer control with every layer's name escaped (folium leaves them as HTML)."""

    def reset(self) -> None:
        self.base_layers = _HtmlNames()
        self.overlays = _HtmlNames()


def count_bin(count: int, top: int) -> int:
    """Index into COUNT_COLOURS for a count, relative to the layer's largest count."""
    if top <= 1:
        return 0
    share = (count - 1) / (top - 1)
    return min(len(COUNT_COLOURS) - 1, int(share * len(COUNT_COLOURS)))


class HexGeometry(MacroElement):
    """The boundaries of every hex cell any layer draws, written once as a flat JS table."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.payload }};
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "HexGeometry"
        self._index: dict[str, int] = {}
        self._rings: list[list[float]] = []

    def index(self, cell: str) -> int:
        if cell not in self._index:
            self._index[cell] = len(self._rings)
            ring = [round(c, 5) for pair in h3.cell_to_boundary(cell) for c in pair]
            self._rings.append(ring)
        return self._index[cell]

    @property
    def payload(self) -> str:
        return to_js(self._rings)


class HexLayer(MacroElement):
    """Hex cells of one layer: rows [cell index, colour index, tooltip index]."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var fg = {{ this._parent.get_name() }};
            var map = {{ this.map_name }};
            var geo = {{ this.geometry.get_name() }};
            var rows = {{ this.rows }};
            var colours = {{ this.colours }};
            var tips = {{ this.tips }};
            function build() {
                for (var i = 0; i < rows.length; i++) {
                    var r = rows[i], g = geo[r[0]], pts = [];
                    for (var k = 0; k < g.length; k += 2) { pts.push([g[k], g[k + 1]]); }
                    L.polygon(pts, {color: "#555", weight: 0.5, fillColor: colours[r[1]],
                                    fillOpacity: {{ this.opacity }}})
                        .bindTooltip(tips[r[2]]).addTo(fg);
                }
            }
            if (map.hasLayer(fg)) { build(); } else { fg.once("add", build); }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        map_name: str,
        geometry: HexGeometry,
        cells: Sequence[tuple[str, int, str]],
        colours: Sequence[str],
        opacity: float = 0.6,
    ) -> None:
        """`cells` are (h3 cell, colour index, tooltip); equal tooltips are shared.

        A tooltip is HTML only if it is Markup; any other text is shown as text.
        """
        super().__init__()
        self._name = "HexLayer"
        self.map_name = map_name
        self.geometry = geometry
        self.opacity = opacity
        tip_index: dict[str, int] = {}
        rows = []
        for cell, colour, tip in cells:
            shown = as_html(tip)
            rows.append([geometry.index(cell), colour, tip_index.setdefault(shown, len(tip_index))])
        self.rows = to_js(rows)
        self.tips = to_js(list(tip_index))
        self.colours = to_js(list(colours))


class VenueCluster(JSCSSMixin, MacroElement):
    """One cluster for the venues of every type: markers overlapping at the zoom gather into one.

    Leaflet.markercluster (inlined offline) shows how many venues a cluster holds and spreads
    them out at the highest zoom. Each type's layer adds and removes its markers here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({
            maxClusterRadius: 30, showCoverageOnHover: false, spiderfyOnMaxZoom: true
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    default_js = [("markerclusterjs", f"{_CLUSTER_CDN}/leaflet.markercluster.js")]
    default_css = [
        ("markerclustercss", f"{_CLUSTER_CDN}/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{_CLUSTER_CDN}/MarkerCluster.Default.css"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._name = "VenueCluster"


class VenueMarkers(MacroElement):
    """Venue markers with an HTML icon and a popup (Markup, or text that is escaped here).

    The markers live in the map's VenueCluster while their layer is shown; venues at the
    very same place are spread around it (`shifts`: 0 in place, k > 0 the k-th step around).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var fg = {{ this._parent.get_name() }};
            var map = {{ this.map_name }};
            var cluster = {{ this.cluster.get_name() }};
            var markers = {{ this.payload }}.map(function (v) {
                var dx = 0, dy = 0;
                if (v[5] > 0) {
                    var a = v[5] * Math.PI / 3;
                    dx = Math.round(22 * Math.cos(a));
                    dy = Math.round(22 * Math.sin(a));
                }
                return L.marker([v[0], v[1]], {
                    title: v[2],
                    icon: L.divIcon({className: "fk-venue", html: v[3],
                                     iconSize: [28, 28], iconAnchor: [14 - dx, 14 - dy]})
                }).bindPopup(v[4], {maxWidth: 340, autoPanPaddingTopLeft: [60, 130]});
            });
            fg.on("add", function () { cluster.addLayers(markers); });
            fg.on("remove", function () { cluster.removeLayers(markers); });
            if (map.hasLayer(fg)) { cluster.addLayers(markers); }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        map_name: str,
        cluster: VenueCluster,
        venues: Sequence[tuple[float, float, str, str, str]],
        shifts: Sequence[int] | None = None,
    ) -> None:
        """Each venue is (lat, lon, title, icon, popup); Leaflet sets the title as plain text."""
        super().__init__()
        self._name = "VenueMarkers"
        self.map_name = map_name
        self.cluster = cluster
        steps = list(shifts) if shifts is not None else [0] * len(venues)
        self.payload = to_js(
            [
                [lat, lon, title, as_html(icon), as_html(popup), step]
                for (lat, lon, title, icon, popup), step in zip(venues, steps, strict=True)
            ]
        )


def spread_steps(groups: Sequence[Sequence[tuple[float, float, str, str, str]]]) -> list[list[int]]:
    """For each venue of each group, its step around a place shared with venues before it."""
    seen: dict[tuple[float, float], int] = {}
    steps: list[list[int]] = []
    for rows in groups:
        steps.append([])
        for lat, lon, *_ in rows:
            place = (round(lat, 5), round(lon, 5))
            steps[-1].append(seen.get(place, 0))
            seen[place] = seen.get(place, 0) + 1
    return steps


class CoverageRings(MacroElement):
    """A ring around each planned venue: green all done, orange partly, red none done."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var fg = {{ this._parent.get_name() }};
            var rings = {{ this.payload }};
            rings.forEach(function (r) {
                L.circleMarker([r[0], r[1]], {radius: 19, color: r[2], weight: 4,
                                              dashArray: r[3] ? "6 4" : null, fill: false})
                    .bindTooltip(r[4]).addTo(fg);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rings: Sequence[tuple[float, float, str, bool, str]]) -> None:
        """Each ring is (lat, lon, colour, dashed, tooltip: Markup, or text that is escaped)."""
        super().__init__()
        self._name = "CoverageRings"
        self.payload = to_js(
            [[lat, lon, colour, dashed, as_html(tip)] for lat, lon, colour, dashed, tip in rings]
        )


class PointsLayer(MacroElement):
    """Individual engagement points (only when asked for), built when first shown."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var fg = {{ this._parent.get_name() }};
            var map = {{ this.map_name }};
            var pts = {{ this.payload }};
            function build() {
                for (var i = 0; i < pts.length; i += 2) {
                    L.circleMarker([pts[i], pts[i + 1]], {radius: 3, weight: 1,
                                   color: "#222", fillColor: "#ffffff", fillOpacity: 0.9})
                        .addTo(fg);
                }
            }
            if (map.hasLayer(fg)) { build(); } else { fg.once("add", build); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, points: Sequence[tuple[float, float]]) -> None:
        super().__init__()
        self._name = "PointsLayer"
        self.map_name = map_name
        self.payload = to_js([round(c, 5) for p in points for c in p])
