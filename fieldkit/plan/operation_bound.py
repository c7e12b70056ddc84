"""A valid upper bound on a whole operation's objective, in stages, each valid on its own:
each day's relaxation (bound.py), each day again with the travel between its visits, then
every day together with the rest between them.

The rest between days is put back by `rest_bound`: all days' relaxations in one model, a
team's relaxed shifts on two days at least the rest apart (its relaxed begin is never after
its true begin, nor its relaxed end before its true end, so every plan still fits), and each
day's part capped at that day's own bound. Its proven bound is valid too, and never above the
sum of the days' bounds: it says how much coverage the rest itself costs.
"""

from __future__ import annotations

import math
import time as walltime
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from ortools.sat.python import cp_model

from fieldkit.plan.bound import MIN_SOLVE_SECONDS, RelaxedDay, add_day, day_bound, solve_bound
from fieldkit.plan.problem import PlanProblem, SolverSettings

#: The shares of the bound's time: each day relaxed, each day with the travel between its
#: visits, the days together with the rest between them.
STAGE_SHARES = (0.6, 0.3, 0.1)


def relaxed_bound(
    problem: PlanProblem,
    settings: SolverSettings,
    found: Callable[[float], None] | None = None,
) -> float:
    """A bound on every plan of `problem`: each day relaxed, then with the travel between its
    visits, then the days together with the rest between them (see the module docstring).
    `found` is told the bound after each of these stages (each is valid)."""
    began = walltime.monotonic()
    rest = len(problem.days()) > 1 and problem.rules.rest_minutes > 0
    shares = STAGE_SHARES if rest else STAGE_SHARES[:2]
    bounds: dict[date, float] = {}
    proven: set[date] = set()
    spent = 0.0
    for stage, share in enumerate(shares[:2]):
        spent += share / sum(shares)
        until = began + settings.time_limit * spent
        _bound_days(problem, bounds, proven, until, settings, second=stage == 1)
        if found is not None:
            found(sum(bounds.values()))
    total = sum(bounds.values())
    if not rest:
        return total
    left = settings.time_limit - (walltime.monotonic() - began)
    return min(total, rest_bound(problem, bounds, settings.within(left)))


def _bound_days(
    problem: PlanProblem,
    bounds: dict[date, float],
    proven: set[date],
    until: float,
    settings: SolverSettings,
    second: bool,
) -> None:
    """Each day's bound (`day_bound`), sharing the time until `until`, kept in `bounds` when
    lower than the day's bound there. The second time, only the days whose relaxation was
    proven, with the travel between their visits (`exact`): a day not proven would start again
    from nothing with less time. It is skipped when too little time is left."""
    # the small days first: the time they leave goes to the big ones
    days = sorted(problem.days(), key=lambda d: (len(problem.of_day(d).visits), d))
    if second:
        days = [d for d in days if d in proven]
    for n, day in enumerate(days):
        left = max(0.0, until - walltime.monotonic()) / (len(days) - n)
        if second and left < MIN_SOLVE_SECONDS:
            return
        kept = bounds.get(day)
        bound, optimal = day_bound(problem.of_day(day), settings.within(left), kept, second)
        bounds[day] = bound if kept is None else min(bound, kept)
        if optimal:
            proven.add(day)


def rest_bound(problem: PlanProblem, caps: dict[date, float], settings: SolverSettings) -> float:
    """The proven bound of every day's relaxation together, with the rest between a team's
    shifts and each day's part of the objective at most its bound in `caps`."""
    began = walltime.monotonic()
    model = cp_model.CpModel()
    objective: list[cp_model.LinearExprT] = []
    trivial = 0.0
    shifts: dict[str, list[RelaxedDay]] = defaultdict(list)
    for day in problem.days():
        terms: list[cp_model.LinearExprT] = []
        worth, teams = add_day(model, problem.of_day(day), terms)
        model.add(sum(terms) <= math.floor(caps[day]))
        objective += terms
        trivial += min(worth, caps[day])
        for t, shift in teams.items():
            shifts[t].append(shift)
    _add_rest(model, shifts, problem.rules.rest_minutes)
    if not objective:
        return 0.0
    left = settings.time_limit - (walltime.monotonic() - began)
    bound, _ = solve_bound(model, objective, trivial, left, settings)
    return bound


def _add_rest(model: cp_model.CpModel, shifts: dict[str, list[RelaxedDay]], rest: int) -> None:
    """A team's relaxed shifts that could come too close are at least `rest` apart."""
    for days in shifts.values():
        for i, first in enumerate(days):
            for later in days[i + 1 :]:
                if first.hi + rest <= later.lo:
                    continue
                model.add(later.begin - first.end >= rest).only_enforce_if(
                    [first.works, later.works]
                )
