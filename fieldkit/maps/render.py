"""Build the offline folium hotspot map from a MapInput and its Analysis and write it to a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import folium
import numpy as np
from branca.element import Figure
from folium.raster_layers import ImageOverlay
from markupsafe import Markup
from numpy.typing import NDArray

from fieldkit.codes import CodeBook, load_codes
from fieldkit.errors import UserError
from fieldkit.maps.analysis import Analysis
from fieldkit.maps.basemap import BaseMap, Bounds, read_basemap
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.kde import DensitySurface
from fieldkit.maps.layers import (
    COUNT_COLOURS,
    GISTAR_COLOURS,
    GISTAR_LABELS,
    CoverageRings,
    HexGeometry,
    HexLayer,
    LayerControl,
    PointsLayer,
    VenueCluster,
    VenueMarkers,
    count_bin,
    spread_steps,
)
from fieldkit.maps.legend import PAGE_CSS, legend_html, page_title, title_html
from fieldkit.maps.offline import inline_assets
from fieldkit.maps.tile_layers import OfflineTiles, offline_tiles, online_tiles
from fieldkit.maps.venues import coverage_rows, label, venue_rows
from fieldkit.page_policy import PagePolicyError, image_source, with_policy

_RAMP = np.array([[255, 255, 178], [253, 141, 60], [189, 0, 38]], dtype=np.float64)
_SIGNIFICANT_ORDER = ("hot_99", "hot_95", "hot_90", "cold_90", "cold_95", "cold_99")


class MapOptionError(UserError):
    """A map option the renderer cannot honour (e.g. an unknown tile set)."""


def density_image(surface: DensitySurface) -> NDArray[np.uint8]:
    """RGBA image of the surface, north up, transparent where density is under 1% of its top.

    Colour and opacity follow the square root of the density's share of its peak, so the
    shoulders of a hot spot stay visible next to its peak.
    """
    d = surface.density
    top = float(d.max())
    rows, cols = d.shape
    rgba = np.zeros((rows, cols, 4), dtype=np.uint8)
    if top <= 0:
        return rgba
    share = d / top
    pos = np.sqrt(np.clip(share, 0, 1)) * (len(_RAMP) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(_RAMP) - 2)
    frac = (pos - lo)[..., None]
    rgb = _RAMP[lo] * (1 - frac) + _RAMP[lo + 1] * frac
    rgba[..., :3] = rgb.astype(np.uint8)
    alpha = np.where(share < 0.01, 0, 40 + 200 * np.sqrt(share))
    rgba[..., 3] = alpha.clip(0, 255).astype(np.uint8)
    return np.ascontiguousarray(rgba[::-1])


def _box(pts: Sequence[tuple[float, float]]) -> list[list[float]]:
    if not pts:
        return [[51.45, -0.30], [51.60, 0.05]]
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def view_bounds(map_input: MapInput) -> list[list[float]]:
    """Where the map first looks: the engagements; with none, the area, else the venues."""
    pts: list[tuple[float, float]] = [(e.lat, e.lon) for e in map_input.engagements]
    if not pts:
        pts = list(map_input.area_outline or []) or [(v.lat, v.lon) for v in map_input.venues]
    return _box(pts)


def area_bounds(map_input: MapInput) -> Bounds:
    """Everything the map may show: the area, the venues and the engagements."""
    pts = list(map_input.area_outline or [])
    pts += [(v.lat, v.lon) for v in map_input.venues]
    pts += [(e.lat, e.lon) for e in map_input.engagements]
    (s, w), (n, e) = _box(pts)
    return (s, w), (n, e)


def _count_cells(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    top = max(counts.values(), default=0)
    return [
        (cell, count_bin(n, top), f"{n} engagement{'s' if n != 1 else ''}")
        for cell, n in sorted(counts.items())
    ]


def _add_hex_layers(
    m: folium.Map, codes: CodeBook, map_input: MapInput, analysis: Analysis, geometry: HexGeometry
) -> None:
    hs = analysis.hotspots
    if hs is None:
        return
    significant = [c for c in hs.cells if c.klass != "not_significant"]
    significant.sort(key=lambda c: _SIGNIFICANT_ORDER.index(c.klass))
    palette = [GISTAR_COLOURS[k] for k in _SIGNIFICANT_ORDER]
    rows = [
        (
            c.cell,
            _SIGNIFICANT_ORDER.index(c.klass),
            Markup("{}<br>{} engagements · z {:.2f} · p {:.3g}{}").format(
                GISTAR_LABELS[c.klass],
                c.count,
                c.z,
                c.p,
                f" · FDR q {c.q:.3g}" if c.q is not None else "",
            ),
        )
        for c in significant
    ]
    group = folium.FeatureGroup(name="Hot and cold spots (Gi*, hex cells)", show=True)
    group.add_child(HexLayer(m.get_name(), geometry, rows, palette, opacity=0.5))
    group.add_to(m)
    for day, counts in analysis.per_day.items():
        group = folium.FeatureGroup(name=f"Day · {day:%a %d %b}", show=False)
        group.add_child(HexLayer(m.get_name(), geometry, _count_cells(dict(counts)), COUNT_COLOURS))
        group.add_to(m)
    for code, counts in analysis.per_indicator.items():
        name = f"Indicator · {label(codes, 'indicators', code)}"
        group = folium.FeatureGroup(name=name, show=False)
        group.add_child(HexLayer(m.get_name(), geometry, _count_cells(dict(counts)), COUNT_COLOURS))
        group.add_to(m)


def build_map(
    map_input: MapInput,
    analysis: Analysis,
    tiles: str | None = None,
    points: bool = False,
    codes: CodeBook | None = None,
    basemap: BaseMap | None = None,
    map_path: Path | None = None,
) -> folium.Map:
    """The folium map with every layer, the title and the legend (not yet inlined).

    A `basemap` is inlined into the page, or written beside `map_path` when it is large.
    """
    codes = codes or load_codes()
    m = _new_map(map_input, tiles)
    if basemap is not None:
        m.add_child(offline_tiles(basemap, map_path))
    geometry = HexGeometry()
    m.add_child(geometry)
    if map_input.area_outline:
        _add_area_outline(m, map_input.area_outline)
    if analysis.surface is not None:
        _add_density(m, analysis.surface, analysis.bandwidth_m)
    _add_hex_layers(m, codes, map_input, analysis, geometry)
    rings = coverage_rows(map_input, analysis)
    if rings:
        group = folium.FeatureGroup(name="Plan coverage (planned visits done / not done)")
        group.add_child(CoverageRings(rings))
        group.add_to(m)
    groups = venue_rows(codes, map_input, analysis)
    steps = spread_steps(list(groups.values()))
    cluster = VenueCluster()
    m.add_child(cluster)
    for (vtype, rows), shifts in zip(groups.items(), steps, strict=True):
        group = folium.FeatureGroup(name=f"Venues · {label(codes, 'venue_types', vtype)}")
        group.add_child(VenueMarkers(m.get_name(), cluster, rows, shifts))
        group.add_to(m)
    if points and map_input.engagements:
        group = folium.FeatureGroup(name="Engagements (individual points)", show=True)
        group.add_child(PointsLayer(m.get_name(), [(e.lat, e.lon) for e in map_input.engagements]))
        group.add_to(m)
    LayerControl(collapsed=False).add_to(m)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(folium.Element(title_html(map_input, analysis)))
    root.html.add_child(folium.Element(legend_html(codes, analysis, list(groups))))
    return m


def _new_map(map_input: MapInput, tiles: str | None) -> folium.Map:
    """An empty map fitted to the operation, with its page title and styles."""
    bounds = view_bounds(map_input)
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(location=centre, zoom_start=12, tiles=None, control_scale=True, maxZoom=19)
    if tiles:
        try:
            m.add_child(online_tiles(tiles))
        except ValueError as exc:
            raise MapOptionError(f"--tiles {tiles!r}: {exc}") from exc
    m.fit_bounds(bounds, padding=(20, 20), max_zoom=16)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(folium.Element(page_title(map_input)), name="fieldkit_title")
    root.header.add_child(folium.Element(PAGE_CSS), name="fieldkit_css")
    return m


def _add_area_outline(m: folium.Map, outline: Sequence[tuple[float, float]]) -> None:
    """The operation's area, lightly filled, under everything else."""
    group = folium.FeatureGroup(name="Area outline", show=True)
    folium.Polygon(
        [list(p) for p in outline],
        color="#333",
        weight=2,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=0.35,
        interactive=False,
    ).add_to(group)
    group.add_to(m)


def _add_density(m: folium.Map, surface: DensitySurface, bandwidth_m: float) -> None:
    """The density surface as an image over its bounds."""
    (south, west), (north, east) = surface.bounds()
    group = folium.FeatureGroup(
        name=f"Density (quartic kernel, bandwidth {bandwidth_m:,.0f} m)", show=True
    )
    ImageOverlay(
        image=density_image(surface),
        bounds=[[south, west], [north, east]],
        opacity=0.8,
        interactive=False,
        zindex=1,
    ).add_to(group)
    group.add_to(m)


def tile_sources(m: folium.Map, tiles: str | None) -> list[str]:
    """Where the map's tiles come from (none by default), for its policy.

    Online tiles: their server. An offline base map written beside the page: the page's own
    place ('self'); an inlined one needs nothing more than data:.
    """
    sources: list[str] = []
    for child in m._children.values():
        if isinstance(child, OfflineTiles) and child.beside:
            sources.append("'self'")
        if isinstance(child, folium.TileLayer):
            try:
                sources.append(image_source(child.tiles))
            except PagePolicyError as exc:
                raise MapOptionError(f"--tiles {tiles!r}: {exc}") from exc
    return sources


def render_html(
    map_input: MapInput,
    analysis: Analysis,
    tiles: str | None = None,
    points: bool = False,
    basemap: BaseMap | None = None,
    map_path: Path | None = None,
) -> str:
    """The whole self-contained page as a string, with its Content-Security-Policy."""
    m = build_map(
        map_input, analysis, tiles=tiles, points=points, basemap=basemap, map_path=map_path
    )
    page = inline_assets(m.get_root().render())
    return with_policy(page, tile_sources(m, tiles))


def render_map(
    map_input: MapInput,
    analysis: Analysis,
    out_path: str | Path,
    tiles: str | None = None,
    points: bool = False,
    basemap: Path | None = None,
) -> Path:
    """Write the offline hotspot map to `out_path` (folders made as needed) and return it.

    `basemap` is an MBTiles or PMTiles file: its tiles over the operation's area go with the map.
    """
    out = Path(out_path)
    tiles_over_area = read_basemap(basemap, area_bounds(map_input)) if basemap else None
    out.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(
        map_input, analysis, tiles=tiles, points=points, basemap=tiles_over_area, map_path=out
    )
    out.write_text(html, encoding="utf-8")
    return out


def layer_names(map_input: MapInput, analysis: Analysis, points: bool = False) -> Sequence[str]:
    """The overlay names the layer control lists, in order (used by tests and the TUI)."""
    m = build_map(map_input, analysis, points=points)
    return [
        child.layer_name for child in m._children.values() if isinstance(child, folium.FeatureGroup)
    ]
