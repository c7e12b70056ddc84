"""The headless hotspot analysis: density surface, Gi* cells, venue tallies and plan coverage."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import h3
import numpy as np

from fieldkit.maps.gistar import HexHotspots, default_resolution, hex_hotspots
from fieldkit.maps.inputs import MapInput, PlannedVisit
from fieldkit.maps.kde import (
    DensitySurface,
    LocalProjection,
    default_bandwidth,
    default_cell_size,
    quartic_density,
)

#: Outcomes that count as a referral in venue popups and tallies.
REFERRAL_OUTCOMES = (
    "nrm_referral",
    "duty_to_notify",
    "safeguarding_referral",
    "referred_to_partner",
)
#: A planned visit counts as done if an engagement at its venue falls in its window ± this slack.
VISIT_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class VenueTally:
    """What happened at one venue: visits planned and done, engagements and their codes."""

    venue_id: str
    planned: int = 0
    done: int = 0
    engagements: int = 0
    people: int = 0
    indicators: Counter[str] = field(default_factory=Counter)
    referrals: Counter[str] = field(default_factory=Counter)

    @property
    def missed(self) -> int:
        return self.planned - self.done


@dataclass(frozen=True)
class Analysis:
    """Everything the map and the report show, computed without any rendering."""

    n_engagements: int
    #: Engagements with at least one sign of exploitation: what the surface and Gi* count.
    n_signs: int
    bandwidth_m: float
    cell_m: float
    surface: DensitySurface | None
    hotspots: HexHotspots | None
    venues: dict[str, VenueTally]
    missed_visits: tuple[PlannedVisit, ...]
    per_day: dict[date, Counter[str]]
    per_indicator: dict[str, Counter[str]]
    projection: LocalProjection

    @property
    def empty(self) -> bool:
        return self.n_engagements == 0


def inside_outline(
    lat: np.ndarray, lon: np.ndarray, outline: Sequence[tuple[float, float]] | None
) -> np.ndarray:
    """Which points lie inside the area outline (all of them when there is no outline)."""
    if not outline or len(outline) < 3:
        return np.ones(len(lat), dtype=bool)
    inside = np.zeros(len(lat), dtype=bool)
    ring = list(outline)
    for (ay, ax), (by, bx) in zip(ring, ring[1:] + ring[:1], strict=True):
        crosses = (ay > lat) != (by > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = ax + (lat - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (lon < x_at)
    return inside


def visit_done(visit: PlannedVisit, times_at_venue: list[datetime]) -> bool:
    """The store's word if it has one; otherwise an engagement at the venue in the window."""
    if visit.done is not None:
        return visit.done
    lo = bisect.bisect_left(times_at_venue, visit.start - VISIT_SLACK)
    return lo < len(times_at_venue) and times_at_venue[lo] <= visit.end + VISIT_SLACK


def _tallies(map_input: MapInput) -> tuple[dict[str, VenueTally], tuple[PlannedVisit, ...]]:
    times: dict[str, list[datetime]] = defaultdict(list)
    tallies = {v.id: VenueTally(v.id) for v in map_input.venues}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for e in map_input.engagements:
        if e.venue_id is None or e.venue_id not in tallies:
            continue
        times[e.venue_id].append(e.when)
        tally = tallies[e.venue_id]
        tally.indicators.update(e.indicators)
        tally.referrals.update(o for o in e.outcomes if o in REFERRAL_OUTCOMES)
        counts[e.venue_id]["engagements"] += 1
        counts[e.venue_id]["people"] += e.people
    for series in times.values():
        series.sort()
    missed = []
    for visit in map_input.visits:
        counts[visit.venue_id]["planned"] += 1
        if visit_done(visit, times[visit.venue_id]):
            counts[visit.venue_id]["done"] += 1
        else:
            missed.append(visit)
    out = {
        vid: VenueTally(
            vid,
            planned=counts[vid]["planned"],
            done=counts[vid]["done"],
            engagements=counts[vid]["engagements"],
            people=counts[vid]["people"],
            indicators=t.indicators,
            referrals=t.referrals,
        )
        for vid, t in tallies.items()
    }
    return out, tuple(sorted(missed, key=lambda v: v.start))


def analyse(
    map_input: MapInput,
    bandwidth_m: float | None = None,
    cell_m: float | None = None,
    resolution: int | None = None,
    fdr: bool = False,
) -> Analysis:
    """Run the analysis; None means the stated default rule for bandwidth, cell and resolution."""
    engagements = map_input.engagements
    # Hot spots are where signs of exploitation concentrate, not where patrols went: the
    # surface and Gi* count only engagements that recorded at least one indicator.
    signs = [e for e in engagements if e.indicators]
    lat = np.array([e.lat for e in signs], dtype=np.float64)
    lon = np.array([e.lon for e in signs], dtype=np.float64)
    projection = _projection(map_input)
    xy = projection.to_xy(lat, lon)
    bandwidth = bandwidth_m if bandwidth_m is not None else _bandwidth(map_input, lat, lon, xy)
    cell = cell_m if cell_m is not None else default_cell_size(bandwidth)
    if bandwidth <= 0 or cell <= 0:
        raise ValueError("bandwidth and cell size must be positive")
    tallies, missed = _tallies(map_input)
    surface: DensitySurface | None = None
    hotspots: HexHotspots | None = None
    if signs:
        surface = quartic_density(xy, bandwidth, cell, _extent(xy), projection)
        res = resolution if resolution is not None else default_resolution(bandwidth)
        points = list(zip(lat.tolist(), lon.tolist(), strict=True))
        hotspots = hex_hotspots(points, map_input.area_outline, res, fdr=fdr)
    per_day: dict[date, Counter[str]] = {}
    per_indicator: dict[str, Counter[str]] = {}
    if engagements:
        res = (
            hotspots.resolution
            if hotspots is not None
            else (resolution if resolution is not None else default_resolution(bandwidth))
        )
        per_day, per_indicator = _cell_counts(map_input, res)
    return Analysis(
        n_engagements=len(engagements),
        n_signs=len(signs),
        bandwidth_m=bandwidth,
        cell_m=surface.cell if surface is not None else cell,
        surface=surface,
        hotspots=hotspots,
        venues=tallies,
        missed_visits=missed,
        per_day=per_day,
        per_indicator=per_indicator,
        projection=projection,
    )


def _projection(map_input: MapInput) -> LocalProjection:
    """A local projection about the engagements (else the venues, else the area's outline)."""
    anchor = [(e.lat, e.lon) for e in map_input.engagements]
    anchor = anchor or [(v.lat, v.lon) for v in map_input.venues]
    anchor = anchor or list(map_input.area_outline or [])
    return LocalProjection.about(anchor)


def _bandwidth(map_input: MapInput, lat: np.ndarray, lon: np.ndarray, xy: np.ndarray) -> float:
    """The default bandwidth of the points with signs (those inside the area if two or more)."""
    # The rule is applied to the points inside the operation's area, so a far venue (an
    # airport outside the borough) does not blur the borough's hot spots.
    inside = inside_outline(lat, lon, map_input.area_outline)
    return default_bandwidth(xy[inside] if int(inside.sum()) >= 2 else xy)


def _extent(xy: np.ndarray) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of the points."""
    return (
        float(xy[:, 0].min()),
        float(xy[:, 1].min()),
        float(xy[:, 0].max()),
        float(xy[:, 1].max()),
    )


def _cell_counts(
    map_input: MapInput, res: int
) -> tuple[dict[date, Counter[str]], dict[str, Counter[str]]]:
    """Engagements per hex cell (at resolution `res`) for each day and for each indicator."""
    day_counts: dict[date, Counter[str]] = defaultdict(Counter)
    indicator_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for e in map_input.engagements:
        cell_id = h3.latlng_to_cell(e.lat, e.lon, res)
        day_counts[e.day][cell_id] += 1
        for code in set(e.indicators):
            indicator_counts[code][cell_id] += 1
    return dict(sorted(day_counts.items())), dict(sorted(indicator_counts.items()))
