"""The top hot cells of the summary: cells holding engagements with signs, named by venue."""

from __future__ import annotations

from collections import Counter
from typing import Any

import h3

from fieldkit.maps.analysis import Analysis
from fieldkit.maps.gistar import HexCell
from fieldkit.maps.hotspot_words import meaning
from fieldkit.maps.inputs import MapInput, VenueInfo

TOP_CELLS = 10


def _venues_at(cell: HexCell, venues: tuple[VenueInfo, ...], res: int) -> list[dict[str, Any]]:
    """The venues inside the cell; none inside, the nearest one with its distance (metres
    from the cell's centre)."""
    inside = [v for v in venues if h3.latlng_to_cell(v.lat, v.lon, res) == cell.cell]
    if inside:
        return [
            {"id": v.id, "name": v.name, "inside": True, "distance_m": None}
            for v in sorted(inside, key=lambda v: (v.name, v.id))
        ]
    if not venues:
        return []
    centre = h3.cell_to_latlng(cell.cell)

    def far(v: VenueInfo) -> float:
        return float(h3.great_circle_distance(centre, (v.lat, v.lon), unit="m"))

    near = min(venues, key=lambda v: (far(v), v.id))
    return [{"id": near.id, "name": near.name, "inside": False, "distance_m": round(far(near))}]


def hot_cells(map_input: MapInput, analysis: Analysis) -> list[dict[str, Any]]:
    """Up to TOP_CELLS hot cells, strongest first, each holding at least one engagement with
    signs (a cell hot only through its neighbours is left out), with its venues."""
    hs = analysis.hotspots
    if hs is None:
        return []
    res = hs.resolution
    engagements = Counter(h3.latlng_to_cell(e.lat, e.lon, res) for e in map_input.engagements)
    out = []
    for cell in (c for c in hs.hot() if c.count > 0):
        lat, lon = h3.cell_to_latlng(cell.cell)
        out.append(
            {
                "cell": cell.cell,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "count": cell.count,
                "engagements": engagements[cell.cell],
                "venues": _venues_at(cell, map_input.venues, res),
                "z": round(cell.z, 4),
                "p": round(cell.p, 6),
                "q": None if cell.q is None else round(cell.q, 6),
                "class": cell.klass,
                "meaning": meaning(cell.klass),
            }
        )
        if len(out) == TOP_CELLS:
            break
    return out
