"""A complete solution hint: every variable of the model set from a feasible schedule."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fieldkit.plan.constraints import NORMAL_SHIFT_MINUTES, Leg, PlanModel
from fieldkit.plan.problem import Chosen
from fieldkit.plan.rules import Item
from fieldkit.plan.visits import Visit


def add_hint(plan: PlanModel, hint: Chosen) -> None:
    """Hint every variable from `hint` (a feasible schedule), so the search starts from it."""
    index = plan.problem.visit_index()
    usable = {vid: ts for vid, ts in hint.items() if (vid, ts[0]) in plan.assigned}
    for (vid, t), lit in plan.assigned.items():
        plan.model.add_hint(lit, usable.get(vid, ("", 0))[0] == t)
    for vid, var in plan.start.items():
        plan.model.add_hint(var, usable[vid][1] if vid in usable else index[vid].window[0])
    on_legs = _hint_shifts(plan, _routes(usable, index))
    for key, lit in plan.legs.items():
        plan.model.add_hint(lit, key in on_legs)


def _routes(usable: Chosen, index: dict[str, Visit]) -> dict[tuple[str, date], list[Item]]:
    """Each hinted team-day's visits and starts, in time order."""
    routes: dict[tuple[str, date], list[Item]] = defaultdict(list)
    for vid, (t, s) in usable.items():
        routes[t, index[vid].day].append((index[vid], s))
    return {key: sorted(route, key=lambda i: i[1]) for key, route in routes.items()}


def _hint_shifts(plan: PlanModel, routes: dict[tuple[str, date], list[Item]]) -> set[Leg]:
    """Hint each team-day's shift from its hinted route; returns the legs the routes take."""
    model, rules = plan.model, plan.problem.rules
    on_legs: set[Leg] = set()
    for shift in plan.team_days:
        route = routes.get((shift.team, shift.day), [])
        model.add_hint(shift.works, bool(route))
        if not route:
            model.add_hint(shift.begin, shift.lo)
            model.add_hint(shift.end, shift.lo)
            model.add_hint(shift.overtime, 0)
            continue
        ids: list[str | None] = [None, *(v.id for v, _ in route), None]
        on_legs.update((shift.team, a, b) for a, b in zip(ids, ids[1:], strict=False))
        begin, end = rules.shift(plan.problem.teams[shift.team], route)
        model.add_hint(shift.begin, begin)
        model.add_hint(shift.end, end)
        model.add_hint(shift.overtime, max(0, end - begin - NORMAL_SHIFT_MINUTES))
    return on_legs
