"""What a hotspot map is made from: venues, planned visits, engagements; no names, no notes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from fieldkit.errors import UserError


class MapInputError(UserError):
    """The data given to the map is not usable (a bad coordinate, a naive time...)."""


LatLonPair = tuple[float, float]


def _check_lat_lon(lat: float, lon: float, what: str) -> None:
    ok = math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0 and -180 <= lon <= 180
    if not ok:
        raise MapInputError(
            f"{what}: coordinates ({lat}, {lon}) are not a valid latitude/longitude"
        )


def _check_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MapInputError(f"{what}: time {moment.isoformat()} has no time zone")


@dataclass(frozen=True)
class EngagementPoint:
    """One logged engagement as the map sees it: where, when, counts and codes; never notes."""

    id: str
    lat: float
    lon: float
    when: datetime
    day: date
    venue_id: str | None
    venue_type: str
    team: str | None
    people: int
    indicators: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_lat_lon(self.lat, self.lon, f"engagement {self.id}")
        _check_aware(self.when, f"engagement {self.id}")
        if self.people < 0:
            raise MapInputError(f"engagement {self.id}: people engaged is negative ({self.people})")


@dataclass(frozen=True)
class VenueInfo:
    """A venue of the operation's catalogue."""

    id: str
    name: str
    type: str
    lat: float
    lon: float

    def __post_init__(self) -> None:
        _check_lat_lon(self.lat, self.lon, f"venue {self.id}")


@dataclass(frozen=True)
class PlannedVisit:
    """A visit of the plan; `done` is None when the store does not say (then engagements decide)."""

    visit_id: str
    venue_id: str
    team: str | None
    start: datetime
    end: datetime
    done: bool | None = None

    def __post_init__(self) -> None:
        _check_aware(self.start, f"visit {self.visit_id}")
        _check_aware(self.end, f"visit {self.visit_id}")
        if self.end < self.start:
            raise MapInputError(f"visit {self.visit_id}: ends before it starts")


@dataclass(frozen=True)
class MapInput:
    """Everything one operation's map needs, as plain values."""

    operation_id: str
    operation_name: str
    period: tuple[date, date]
    timezone: str
    area_outline: tuple[LatLonPair, ...] | None
    venues: tuple[VenueInfo, ...]
    visits: tuple[PlannedVisit, ...]
    engagements: tuple[EngagementPoint, ...]
    as_of: datetime
    area_name: str | None = None
    venue_index: dict[str, VenueInfo] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.period[1] < self.period[0]:
            raise MapInputError(f"operation {self.operation_id}: the period ends before it starts")
        _check_aware(self.as_of, f"operation {self.operation_id} (data as-of)")
        if self.area_outline is not None:
            if len(self.area_outline) < 3:
                raise MapInputError(
                    f"operation {self.operation_id}: the area outline needs at least 3 points"
                )
            for lat, lon in self.area_outline:
                _check_lat_lon(lat, lon, f"operation {self.operation_id} area outline")
        index = {v.id: v for v in self.venues}
        if len(index) != len(self.venues):
            raise MapInputError(f"operation {self.operation_id}: duplicate venue ids")
        for visit in self.visits:
            if visit.venue_id not in index:
                raise MapInputError(f"visit {visit.visit_id}: unknown venue {visit.venue_id!r}")
        object.__setattr__(self, "venue_index", index)

    @property
    def days(self) -> list[date]:
        """Every day of the period, in order."""
        start, end = self.period
        return [date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)]


def coords(points: Sequence[EngagementPoint]) -> list[LatLonPair]:
    """The (lat, lon) of each engagement."""
    return [(p.lat, p.lon) for p in points]
