"""Small random playbooks (a Hypothesis strategy) and the best plan found by trying every one."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit, all_team_facts, expand_visits
from fieldkit.playbook.models import Playbook

SKILLS = ["romanian_speaker", "female_officer", "detective"]
AGENCIES = ["met_police", "anitp"]


def clock(hour: int) -> str:
    """An hour of the timeline as "HH:00"; 24 and later are the next day's (overnight)."""
    return f"{hour % 24:02d}:00"


@st.composite
def playbooks(draw: st.DrawFn) -> Playbook:
    n_teams = draw(st.integers(2, 3))
    roster, teams = [], []
    for t in range(n_teams):
        members = []
        for m in range(2):
            pid = f"p{t}{m}"
            person: dict[str, Any] = {
                "id": pid,
                "name": pid,
                "agency": draw(st.sampled_from(AGENCIES)),
                "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)),
            }
            if draw(st.booleans()):
                start = draw(st.integers(8, 21))  # from 18:00 on, overnight into the next day
                person["available"] = [{"from": clock(start), "to": clock(start + 6)}]
            roster.append(person)
            members.append(pid)
        teams.append(
            {
                "id": f"t{t}",
                "name": f"T{t}",
                "members": members,
                "base": "base" if draw(st.booleans()) else None,
            }
        )
    venues = [{"id": "base", "name": "Base", "type": "police_station", "location": [51.60, -0.24]}]
    activities = []
    for a in range(draw(st.integers(3, 6))):
        lat = draw(st.floats(51.55, 51.65))
        lon = draw(st.floats(-0.30, -0.15))
        venues.append({"id": f"v{a}", "name": f"V{a}", "type": "car_wash", "location": [lat, lon]})
        start = draw(st.integers(8, 22))  # some windows run past midnight
        length = draw(st.integers(1, 4))
        activities.append(
            {
                "id": f"a{a}",
                "name": f"A{a}",
                "venues": [f"v{a}"],
                "when": [{"from": clock(start), "to": clock(start + length)}],
                "duration": draw(st.sampled_from([30, 45, 60, 90])) if length > 1 else 45,
                "priority": draw(st.integers(1, 5)),
                "requires": {
                    "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=1)),
                    "partners": draw(st.lists(st.sampled_from(["anitp"]), max_size=1)),
                },
            }
        )
    for team in teams:
        if team["base"] is None:
            del team["base"]
    return Playbook.model_validate(
        {
            "operation": {
                "id": "h",
                "name": "H",
                "start": "2024-06-03",
                "end": "2024-06-03",
                "area": {"name": "X", "centre": [51.6, -0.2]},
            },
            "partners": AGENCIES,
            "roster": roster,
            "teams": teams,
            "venues": venues,
            "activities": activities,
            "rules": {
                "max_hours_per_day": 24,
                "min_rest_hours": 0,
                "travel_speed_kmh": 20,
                "team": {"min_size": 1},
            },
        }
    )


def _feasible(team: TeamFacts, visits: list[Visit], rules: Rules) -> bool:
    """Some order with earliest starts fits every window, availability and travel."""
    spans = [team.start_spans(v) for v in visits]
    if any(team.missing(v) or not s for v, s in zip(visits, spans, strict=False)):
        return False
    for order in itertools.permutations(range(len(visits))):
        ready, place, ok = -(10**9), None, True
        for i in order:
            earliest = ready + rules.travel.minutes(place, visits[i].venue)
            starts = [max(lo, earliest) for lo, hi in spans[i] if max(lo, earliest) <= hi]
            if not starts:
                ok = False
                break
            ready, place = min(starts) + visits[i].duration, visits[i].venue
        if ok:
            return True
    return False


def brute_force(playbook: Playbook) -> int:
    """The most priority any assignment of visits to teams (or none) can cover."""
    visits, teams, rules = expand_visits(playbook), all_team_facts(playbook), Rules(playbook)
    best = 0
    for choice in itertools.product([None, *teams], repeat=len(visits)):
        covered = sum(v.priority for v, t in zip(visits, choice, strict=False) if t is not None)
        if covered <= best:
            continue
        if all(
            _feasible(teams[t], [v for v, c in zip(visits, choice, strict=True) if c == t], rules)
            for t in teams
        ):
            best = covered
    return best
