"""Large operations: solve one day at a time, each day's model seeing the days already fixed.

The whole-operation model grows with (visits per team-day)^2 arcs; for a thousand visits its
presolve alone takes most of a minute. Day by day, each model is small; the rest rule links a
day to the ones already planned (a team starts no earlier than its last shift's end plus rest).
Each day starts from the scarcity-first greedy plan; a local search over the whole plan
(improve.py) then makes the cross-day and cross-team moves the day models cannot see. The
bound reported is the sum of each day's relaxed bound (bound.py), computed first.
"""

from __future__ import annotations

import time as walltime
from dataclasses import replace
from datetime import date

from fieldkit.plan.bound import relaxed_bound
from fieldkit.plan.greedy import scarce_first
from fieldkit.plan.improve import improve
from fieldkit.plan.model import ModelResult, solve_model
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.progress import SolveProgress

#: The share of the time limit spent on the bound (each day alone, relaxed).
BOUND_SHARE = 0.2
#: Day by day, each visit is offered to this many of its nearest qualified teams (and the
#: baseline's choice), which keeps each day's model small enough to improve within seconds.
TEAMS_PER_VISIT = 4
#: The share of the time limit kept for the local search over the whole plan (improve.py).
IMPROVE_SHARE = 0.05


def solve_by_day(problem: PlanProblem, settings: SolverSettings) -> ModelResult:
    """Each day in turn from its greedy start, then the local search over the whole plan."""
    began = walltime.monotonic()
    # The bound first: it needs no plan, and the days then share whatever time is left.
    bound = relaxed_bound(problem, settings.within(settings.time_limit * BOUND_SHARE))
    chosen: Chosen = {}
    objective = 0.0
    days = problem.days()
    for n, day in enumerate(days):
        left = settings.time_limit * (1 - IMPROVE_SHARE) - (walltime.monotonic() - began)
        share = max(0.5, left / (len(days) - n))
        result = solve_day(problem, day, chosen, settings.within(share))
        chosen.update(result.chosen)
        objective += result.objective
        if settings.progress is not None:
            settings.progress(SolveProgress(objective, 0, walltime.monotonic() - began, n + 1))
    # Across days, moves the day-by-day models could not see (a team's morning for an evening).
    chosen = improve(problem, chosen, deadline=began + settings.time_limit)
    # Day by day never proves the whole plan optimal, even when every day is.
    return ModelResult("FEASIBLE", objective, bound, walltime.monotonic() - began, chosen)


def solve_day(
    problem: PlanProblem, day: date, chosen: Chosen, settings: SolverSettings
) -> ModelResult:
    """One day's model after the days in `chosen`, started from the scarcity-first plan; when
    the solver finds nothing in time, that plan is the day's result."""
    index = problem.visit_index()
    today = problem.of_day(day)
    # The days already planned are fixed for the greedy start, as locks are.
    fixed = replace(today, locks={**chosen, **today.locks})
    hint_all = scarce_first(fixed, extra=[index[vid] for vid in chosen])
    hint = {vid: ts for vid, ts in hint_all.items() if index[vid].day == day}
    result = solve_model(
        replace(
            today,
            hint=hint,
            not_before=earliest_starts(problem, chosen),
            max_teams=TEAMS_PER_VISIT,
        ),
        replace(settings, progress=None),
    )
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        result.chosen = hint
    return result


def earliest_starts(problem: PlanProblem, chosen: Chosen) -> dict[str, int]:
    """Per team with visits in `chosen`: the end of its last shift there plus the rest."""
    index = problem.visit_index()
    rules = problem.rules
    not_before: dict[str, int] = {}
    for t, team in problem.teams.items():
        mine = [(index[vid], s) for vid, (tt, s) in chosen.items() if tt == t]
        if mine:
            last_day = max(v.day for v, _ in mine)
            _, end = rules.shift(
                team, sorted(((v, s) for v, s in mine if v.day == last_day), key=lambda i: i[1])
            )
            not_before[t] = end + rules.rest_minutes
    return not_before
