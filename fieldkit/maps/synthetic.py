"""Seeded synthetic map inputs: planted clusters over uniform noise, for tests and the bench."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fieldkit.maps.inputs import EngagementPoint, MapInput, PlannedVisit, VenueInfo

#: A box over north London (roughly the London Borough of Barnet).
AREA = ((51.555, -0.305), (51.670, -0.120))
OUTLINE = ((51.555, -0.305), (51.670, -0.305), (51.670, -0.120), (51.555, -0.120))
VENUE_TYPES = ("brothel", "homeless_shelter", "church", "car_wash", "nail_bar", "construction_site")
INDICATORS = ("long_hours", "under_control", "little_or_no_money", "anxious_afraid", "poor_housing")
OUTCOMES = ("leaflet_given", "helpline_signposted", "nrm_referral", "referred_to_partner")
TEAMS = ("alpha", "bravo", "charlie")


@dataclass(frozen=True)
class Planted:
    """A planted cluster: its centre, radius in metres and number of engagements."""

    lat: float
    lon: float
    radius_m: float
    n: int


def _offset(lat: float, lon: float, rng: random.Random, radius_m: float) -> tuple[float, float]:
    """A point uniformly inside a disc of radius_m about (lat, lon)."""
    r = radius_m * rng.random() ** 0.5
    theta = rng.uniform(0, 2 * math.pi)
    dlat = r * math.cos(theta) / 111_195.0
    dlon = r * math.sin(theta) / (111_195.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def synthetic_input(
    n: int,
    seed: int = 1,
    clusters: int = 3,
    cluster_share: float = 0.4,
    cluster_radius_m: float = 250.0,
    venues: int = 24,
    days: int = 7,
) -> tuple[MapInput, list[Planted]]:
    """n engagements: cluster_share of them in `clusters` discs, the rest uniform over AREA."""
    rng = random.Random(seed)
    (south, west), (north, east) = AREA
    start = date(2023, 9, 18)
    venue_list = [
        VenueInfo(
            id=f"v{i:02d}",
            name=f"Venue {i:02d}",
            type=VENUE_TYPES[i % len(VENUE_TYPES)],
            lat=rng.uniform(south + 0.01, north - 0.01),
            lon=rng.uniform(west + 0.015, east - 0.015),
        )
        for i in range(venues)
    ]
    planted = []
    n_clustered = int(n * cluster_share) if clusters else 0
    for k in range(clusters):
        venue = venue_list[k % len(venue_list)]
        share = n_clustered // clusters + (1 if k < n_clustered % clusters else 0)
        planted.append(Planted(venue.lat, venue.lon, cluster_radius_m, share))
    engagements: list[EngagementPoint] = []
    for k, cluster in enumerate(planted):
        for _ in range(cluster.n):
            lat, lon = _offset(cluster.lat, cluster.lon, rng, cluster.radius_m)
            venue = venue_list[k % len(venue_list)]
            engagements.append(_engagement(rng, len(engagements), lat, lon, venue, start, days))
    while len(engagements) < n:
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        engagements.append(_engagement(rng, len(engagements), lat, lon, None, start, days))
    map_input = MapInput(
        operation_id="synthetic",
        operation_name="Synthetic operation",
        period=(start, start + timedelta(days=days - 1)),
        timezone="Europe/London",
        area_outline=OUTLINE,
        venues=tuple(venue_list),
        visits=tuple(_visits(venue_list, start, days)),
        engagements=tuple(engagements),
        as_of=datetime(2023, 9, 25, 9, tzinfo=UTC),
        area_name="Synthetic area",
    )
    return map_input, planted


def _engagement(
    rng: random.Random,
    seq: int,
    lat: float,
    lon: float,
    venue: VenueInfo | None,
    start: date,
    days: int,
) -> EngagementPoint:
    """The `seq`th engagement, at (lat, lon) (at `venue` if given), on a random day and hour."""
    day = start + timedelta(days=rng.randrange(days))
    when = datetime(day.year, day.month, day.day, rng.randrange(8, 23), tzinfo=UTC)
    return EngagementPoint(
        id=f"e{seq:06d}",
        lat=lat,
        lon=lon,
        when=when,
        day=day,
        venue_id=venue.id if venue else None,
        venue_type=venue.type if venue else "street_or_transport_hub",
        team=TEAMS[seq % len(TEAMS)],
        people=rng.randint(1, 4),
        indicators=tuple(sorted(set(rng.sample(INDICATORS, rng.randint(0, 2))))),
        outcomes=(rng.choice(OUTCOMES),),
        partners=("anitp",) if rng.random() < 0.3 else (),
    )


def _visits(venue_list: list[VenueInfo], start: date, days: int) -> list[PlannedVisit]:
    """A two-hour evening visit to each venue every third day."""
    visits = []
    for i, venue in enumerate(venue_list):
        for d in range(0, days, 3):
            day = start + timedelta(days=d + i % 2)
            begin = datetime(day.year, day.month, day.day, 19, tzinfo=UTC)
            visits.append(
                PlannedVisit(
                    f"visit-{venue.id}-{d}",
                    venue.id,
                    TEAMS[i % 3],
                    begin,
                    begin + timedelta(hours=2),
                )
            )
    return visits
