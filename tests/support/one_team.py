"""One team on a day or two around three venues: small playbooks whose best plan is known."""

from __future__ import annotations

import math
from typing import Any

from fieldkit.playbook.models import Playbook

#: Three venues around the base, 7 min from it and 11 min from each other at 20 km/h.
AROUND = [
    {
        "id": f"v{i}",
        "name": f"V{i}",
        "type": "car_wash",
        "location": [
            round(51.6 + 0.018 * math.cos(2 * math.pi * i / 3), 5),
            round(-0.2 + 0.0288 * math.sin(2 * math.pi * i / 3), 5),
        ],
    }
    for i in range(3)
]


#: Two venues north and south of the base, 7 min from it and 14 min apart at 20 km/h.
NORTH_SOUTH = [
    {"id": "v0", "name": "V0", "type": "car_wash", "location": [51.62, -0.2]},
    {"id": "v1", "name": "V1", "type": "car_wash", "location": [51.58, -0.2]},
]


def one_team(
    activities: list[dict[str, Any]],
    days: int = 1,
    hours: float = 10,
    venues: list[dict[str, Any]] | None = None,
) -> Playbook:
    """One team of one officer at "base", on `days` days from 2024-06-03, around `venues`
    (AROUND unless given), `hours` a day at most, 11 h of rest, 20 km/h."""
    return Playbook.model_validate(
        {
            "operation": {
                "id": "b",
                "name": "B",
                "start": "2024-06-03",
                "end": f"2024-06-0{2 + days}",
                "area": {"name": "X", "centre": [51.6, -0.2]},
            },
            "partners": ["met_police"],
            "roster": [{"id": "p", "name": "p", "agency": "met_police", "skills": []}],
            "teams": [{"id": "t", "name": "T", "members": ["p"], "base": "base"}],
            "venues": [
                {"id": "base", "name": "Base", "type": "police_station", "location": [51.6, -0.2]},
                *(AROUND if venues is None else venues),
            ],
            "activities": activities,
            "rules": {
                "max_hours_per_day": hours,
                "min_rest_hours": 11,
                "travel_speed_kmh": 20,
                "team": {"min_size": 1},
            },
        }
    )


def activity(
    n: int, venue: str, start: str, end: str, duration: int, priority: int, day: str | None = None
) -> dict[str, Any]:
    when: dict[str, Any] = {"from": start, "to": end}
    if day:
        when["dates"] = [day]
    return {
        "id": f"a{n}",
        "name": f"A{n}",
        "venues": [venue],
        "when": [when],
        "duration": duration,
        "priority": priority,
    }
