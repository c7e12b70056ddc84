"""Small random operations over several days (a Hypothesis strategy), with the rest between
shifts binding in many of them, and the whole model's proven optimum of one."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from fieldkit.plan.model import solve_model
from fieldkit.plan.problem import SolverSettings
from fieldkit.plan.solve import plan_problem
from fieldkit.playbook.models import Playbook

SKILLS = ["romanian_speaker", "detective"]
FIRST = date(2024, 6, 3)


def clock(hour: int) -> str:
    return f"{hour % 24:02d}:00"


@st.composite
def operations(draw: st.DrawFn) -> Playbook:
    """1-2 teams, 2-3 days, 3-8 visits with windows from early morning to late evening (and
    overnight), rest of 0-16 h between shifts: the rest binds in many of them."""
    n_days = draw(st.integers(2, 3))
    roster, teams = [], []
    for t in range(draw(st.integers(1, 2))):
        pid = f"p{t}"
        skills = draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True))
        roster.append({"id": pid, "name": pid, "agency": "met_police", "skills": skills})
        base = "base" if draw(st.booleans()) else None
        teams.append(
            {"id": f"t{t}", "name": f"T{t}", "members": [pid], **({"base": base} if base else {})}
        )
    venues = [{"id": "base", "name": "Base", "type": "police_station", "location": [51.60, -0.24]}]
    activities = []
    for a in range(draw(st.integers(3, 8))):
        lat, lon = draw(st.floats(51.55, 51.65)), draw(st.floats(-0.30, -0.15))
        venues.append({"id": f"v{a}", "name": f"V{a}", "type": "car_wash", "location": [lat, lon]})
        start = draw(st.sampled_from([5, 6, 13, 19, 21, 22]))
        length = draw(st.integers(1, 4))
        day = FIRST + timedelta(draw(st.integers(0, n_days - 1)))
        activities.append(
            {
                "id": f"a{a}",
                "name": f"A{a}",
                "venues": [f"v{a}"],
                "when": [
                    {
                        "dates": [day.isoformat()],
                        "from": clock(start),
                        "to": clock(start + length),
                    }
                ],  # fmt: skip
                "duration": draw(st.sampled_from([30, 60, 90])) if length > 1 else 45,
                "priority": draw(st.integers(1, 5)),
                "requires": {"skills": draw(st.lists(st.sampled_from(SKILLS), max_size=1))},
            }
        )
    return Playbook.model_validate(
        {
            "operation": {
                "id": "s",
                "name": "S",
                "start": FIRST.isoformat(),
                "end": (FIRST + timedelta(n_days - 1)).isoformat(),
                "area": {"name": "X", "centre": [51.6, -0.2]},
            },
            "partners": ["met_police"],
            "roster": roster,
            "teams": teams,
            "venues": venues,
            "activities": activities,
            "rules": {
                "max_hours_per_day": draw(st.sampled_from([6, 10, 12])),
                "min_rest_hours": draw(st.sampled_from([0, 11, 14, 16])),
                "travel_speed_kmh": 20,
                "team": {"min_size": 1},
            },
        }
    )


def whole_optimum(playbook: Playbook) -> float | None:
    """The whole model's optimal objective (None when not proven in time)."""
    result = solve_model(plan_problem(playbook, []), SolverSettings(20, seed=0))
    return result.objective if result.status == "OPTIMAL" else None
