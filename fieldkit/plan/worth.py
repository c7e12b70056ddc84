"""What a plan is worth, as the model counts it: each covered visit's priority x COVER_WEIGHT,
less each team-day's travel (from base, between visits, back) and overtime minutes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fieldkit.plan.constraints import COVER_WEIGHT, NORMAL_SHIFT_MINUTES
from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.rules import Item


def team_worth(problem: PlanProblem, team_id: str, items: list[Item]) -> int:
    """One team's schedule (any days, any order) as the objective counts it."""
    rules, team = problem.rules, problem.teams[team_id]
    by_day: dict[date, list[Item]] = defaultdict(list)
    total = 0
    for v, s in items:
        total += v.priority * COVER_WEIGHT
        by_day[v.day].append((v, s))
    for day_items in by_day.values():
        day_items.sort(key=lambda i: i[1])
        places = [team.base, *(v.venue for v, _ in day_items), team.base]
        total -= sum(rules.travel.minutes(a, b) for a, b in zip(places, places[1:], strict=False))
        begin, end = rules.shift(team, day_items)
        total -= max(0, end - begin - NORMAL_SHIFT_MINUTES)
    return total


def worth(problem: PlanProblem, chosen: Chosen) -> float:
    """The whole plan `chosen` as the objective counts it."""
    index = problem.visit_index()
    by_team: dict[str, list[Item]] = defaultdict(list)
    for vid, (t, s) in chosen.items():
        by_team[t].append((index[vid], s))
    return float(sum(team_worth(problem, t, items) for t, items in by_team.items()))
