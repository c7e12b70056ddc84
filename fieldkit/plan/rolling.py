"""Large operations: solve one day at a time, each day's model seeing the days already fixed.

The whole-operation model grows with (visits per team-day)^2 arcs; for a thousand visits its
presolve alone takes most of a minute. Day by day, each model is small; the rest rule links a
day to the ones already planned (a team starts no earlier than its last shift's end plus rest).
Each day starts from the scarcity-first greedy plan. The days' models take DAYS_SHARE of the
time; a local search over the whole plan (improve.py) then makes the cross-day and cross-team
moves they cannot see, ruin and recreate (ruin.py) takes teams' days apart and puts them back
until the last IMPROVE_SHARE of the time, and the local search has a last pass. The
bound reported is operation_bound.py's, computed on the other core meanwhile (bound_aside.py),
or first on a machine with one.
"""

from __future__ import annotations

import time as walltime
from collections import defaultdict
from dataclasses import replace
from datetime import date

from fieldkit.plan.bound_aside import BoundAside
from fieldkit.plan.greedy import scarce_first
from fieldkit.plan.improve import improve
from fieldkit.plan.model import ModelResult, solve_model
from fieldkit.plan.operation_bound import relaxed_bound
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.plan.ruin import ruin_and_recreate
from fieldkit.plan.rules import Item
from fieldkit.plan.worth import worth

#: The share of the time limit spent on the bound (each day alone, relaxed).
BOUND_SHARE = 0.2
#: Day by day, each visit is offered to this many of its nearest qualified teams (and the
#: baseline's choice), which keeps each day's model small enough to improve within seconds.
TEAMS_PER_VISIT = 4
#: The share of the time limit (what the bound leaves of it, when computed first) the days'
#: models take: past it they rarely improve further.
DAYS_SHARE = 0.25
#: The share of the time limit kept for the last local search (improve.py), after ruin and
#: recreate (ruin.py) has had the rest.
IMPROVE_SHARE = 0.1
#: Under a work limit (CP-SAT's deterministic time), ruin and recreate takes this many steps
#: per unit of it.
STEPS_PER_WORK = 100


def solve_by_day(problem: PlanProblem, settings: SolverSettings) -> ModelResult:
    """Each day in turn from its greedy start, then the local search over the whole plan; the
    bound beside them on the other core, else first."""
    began = walltime.monotonic()
    aside = BoundAside.start(problem, settings)
    try:
        bound = 0.0
        if aside is None:
            # It needs no plan, and the days then share whatever time is left.
            bound = relaxed_bound(problem, settings.within(settings.time_limit * BOUND_SHARE))
        shown = replace(settings, progress=_with_bound(settings.progress, aside, bound))
        # the days take their share of the time the bound (if computed first) leaves
        now = walltime.monotonic()
        days_until = now + (began + settings.time_limit - now) * DAYS_SHARE
        chosen, objective = _days_in_turn(problem, shown, began, days_until)
        chosen = _search_across_days(problem, chosen, shown, began)
        objective = worth(problem, chosen)
        if aside is not None:
            # A stopped search takes the bound proven so far (none: solve() uses the trivial).
            bound = aside.result(wait=not stopped(settings)) or 0.0
    finally:
        if aside is not None:
            aside.end()  # also when interrupted
    # Day by day never proves the whole plan optimal, even when every day is.
    return ModelResult("FEASIBLE", objective, bound, walltime.monotonic() - began, chosen)


def _with_bound(
    progress: ProgressCallback | None, aside: BoundAside | None, bound: float
) -> ProgressCallback | None:
    """`progress` told the best bound known so far with each plan (0 while none is)."""
    if progress is None:
        return None

    def told(p: SolveProgress) -> None:
        known = aside.peek() if aside is not None else bound
        progress(replace(p, bound=known or 0.0))

    return told


def _search_across_days(
    problem: PlanProblem, chosen: Chosen, settings: SolverSettings, began: float
) -> Chosen:
    """The moves the day-by-day models could not see (a team's morning for an evening): the
    local search, ruin and recreate with the time left, the local search again, each better
    plan shown as progress. Once stopped, the local search only, for its share of the time."""
    end = began + settings.time_limit
    shown = len(problem.days())

    def show(plan: Chosen) -> None:
        nonlocal shown
        shown += 1
        if settings.progress is not None:
            seconds = walltime.monotonic() - began
            settings.progress(SolveProgress(worth(problem, plan), 0, seconds, shown))

    if stopped(settings):
        soon = walltime.monotonic() + settings.time_limit * IMPROVE_SHARE
        return improve(problem, chosen, deadline=min(end, soon))
    chosen = improve(problem, chosen, deadline=end)
    show(chosen)
    last = end - settings.time_limit * IMPROVE_SHARE
    # A work limit asks for the same plan from the same seed: a number of steps, not a time.
    steps = None if settings.work_limit is None else int(settings.work_limit * STEPS_PER_WORK)
    chosen = ruin_and_recreate(problem, chosen, last, settings.seed, settings.stop, steps, show)
    return improve(problem, chosen, deadline=end)


def _days_in_turn(
    problem: PlanProblem, settings: SolverSettings, began: float, until: float
) -> tuple[Chosen, float]:
    """Each day's model in date order, each after the days before it, until `until`; a busy
    day's model is the hardest, so a day's share of the time grows with its size."""
    chosen: Chosen = {}
    objective = 0.0
    days = problem.days()
    weight = {d: len(problem.of_day(d).visits) ** 2 for d in days}
    for n, day in enumerate(days):
        left = until - walltime.monotonic()
        share = max(0.5, left * weight[day] / sum(weight[d] for d in days[n:]))
        result = solve_day(problem, day, chosen, settings.within(share))
        chosen.update(result.chosen)
        objective += result.objective
        if settings.progress is not None:
            settings.progress(SolveProgress(objective, 0, walltime.monotonic() - began, n + 1))
    return chosen, objective


def stopped(settings: SolverSettings) -> bool:
    """Whether the lead has stopped the search."""
    return settings.stop is not None and settings.stop.stopped


def solve_day(
    problem: PlanProblem,
    day: date,
    chosen: Chosen,
    settings: SolverSettings,
    start: Chosen | None = None,
) -> ModelResult:
    """One day's model with the other days in `chosen` fixed (the rest to and from them), from
    `start` (else the scarcity-first plan); when the solver finds nothing in time, that plan
    is the day's result."""
    index = problem.visit_index()
    today = problem.of_day(day)
    others = {vid: ts for vid, ts in chosen.items() if index[vid].day != day}
    if start is None:
        # The days already planned are fixed for the greedy start, as locks are.
        fixed = replace(today, locks={**others, **today.locks})
        start = scarce_first(fixed, extra=[index[vid] for vid in others])
    hint = {vid: ts for vid, ts in start.items() if index[vid].day == day}
    not_before, not_after = rest_limits(problem, others, day)
    result = solve_model(
        replace(
            today,
            hint=hint,
            not_before=not_before,
            not_after=not_after,
            max_teams=TEAMS_PER_VISIT,
        ),
        replace(settings, progress=None),
    )
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        result.chosen = hint
    return result


def rest_limits(
    problem: PlanProblem, others: Chosen, day: date
) -> tuple[dict[str, int], dict[str, int]]:
    """Per team with visits in `others` (other days'): the earliest its shift on `day` may
    begin (its last shift before, plus the rest) and the latest it may end (its next shift
    after, less the rest)."""
    index, rules = problem.visit_index(), problem.rules
    by_day: dict[str, dict[date, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for vid, (t, s) in others.items():
        by_day[t][index[vid].day].append((index[vid], s))
    not_before: dict[str, int] = {}
    not_after: dict[str, int] = {}
    for t, days in by_day.items():
        team = problem.teams[t]
        earlier = [d for d in days if d < day]
        later = [d for d in days if d > day]
        if earlier:
            _, end = rules.shift(team, sorted(days[max(earlier)], key=lambda i: i[1]))
            not_before[t] = end + rules.rest_minutes
        if later:
            begin, _ = rules.shift(team, sorted(days[min(later)], key=lambda i: i[1]))
            not_after[t] = begin - rules.rest_minutes
    return not_before, not_after
