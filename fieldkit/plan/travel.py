"""Travel minutes between venues: geodesic distance at the playbook's speed, rounded up."""

from __future__ import annotations

import math

from geopy.distance import geodesic

from fieldkit.playbook.models import Playbook


class Travel:
    """Minutes from one venue to another (0 for the same venue); memoised."""

    def __init__(self, locations: dict[str, tuple[float, float]], speed_kmh: float) -> None:
        self.locations = locations
        self.speed_kmh = speed_kmh
        self._memo: dict[tuple[str, str], int] = {}

    @classmethod
    def for_playbook(cls, playbook: Playbook) -> Travel:
        located = {v.id: v.location for v in playbook.venues if v.location is not None}
        return cls(located, playbook.rules.travel_speed_kmh)

    def km(self, a: str, b: str) -> float:
        return float(geodesic(self.locations[a], self.locations[b]).km)

    def minutes(self, a: str | None, b: str | None) -> int:
        if a is None or b is None or a == b:
            return 0
        key = (a, b) if a < b else (b, a)
        if key not in self._memo:
            self._memo[key] = math.ceil(self.km(a, b) / self.speed_kmh * 60 - 1e-9)
        return self._memo[key]
