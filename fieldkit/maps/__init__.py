"""Hotspot maps: headless analysis (quartic KDE, Gi* on H3 cells) and the offline folium map."""

from __future__ import annotations

from fieldkit.maps.analysis import Analysis, analyse
from fieldkit.maps.inputs import (
    EngagementPoint,
    MapInput,
    MapInputError,
    PlannedVisit,
    VenueInfo,
)

__all__ = [
    "Analysis",
    "EngagementPoint",
    "MapInput",
    "MapInputError",
    "PlannedVisit",
    "VenueInfo",
    "analyse",
    "render_map",
]


def render_map(*args: object, **kwargs: object) -> object:
    """Write the offline hotspot map; see fieldkit.maps.render.render_map (folium loads lazily)."""
    from fieldkit.maps.render import render_map as _render_map

    return _render_map(*args, **kwargs)  # type: ignore[arg-type]
