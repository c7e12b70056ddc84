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
from collections import defaultdict
from datetime import date

from fieldkit.plan.bound import relaxed_bound
from fieldkit.plan.greedy import scarce_first
from fieldkit.plan.improve import improve
from fieldkit.plan.model import ModelResult, solve_model
from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: The share of the time limit spent on the bound (each day alone, relaxed).
BOUND_SHARE = 0.2
#: Day by day, each visit is offered to this many of its nearest qualified teams (and the
#: baseline's choice), which keeps each day's model small enough to improve within seconds.
TEAMS_PER_VISIT = 4
#: The share of the time limit kept for the local search over the whole plan (improve.py).
IMPROVE_SHARE = 0.05


def solve_by_day(
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    *,
    time_limit: float,
    seed: int,
    workers: int,
    progress: ProgressCallback | None = None,
) -> ModelResult:
    began = walltime.monotonic()
    days: dict[date, list[Visit]] = defaultdict(list)
    for v in visits:
        days[v.day].append(v)
    # The bound first: it needs no plan, and the days then share whatever time is left.
    bound = relaxed_bound(
        visits, teams, rules, locks, time_limit=time_limit * BOUND_SHARE, seed=seed, workers=workers
    )
    index = {v.id: v for v in visits}
    chosen: dict[str, tuple[str, int]] = {}
    objective = 0.0
    order = sorted(days)
    for n, day in enumerate(order):
        day_visits = days[day]
        left = time_limit * (1 - IMPROVE_SHARE) - (walltime.monotonic() - began)
        share = max(0.5, left / (len(order) - n))
        not_before: dict[str, int] = {}
        for t, team in teams.items():
            mine = [(index[vid], s) for vid, (tt, s) in chosen.items() if tt == t]
            if mine:
                last_day = max(v.day for v, _ in mine)
                _, end = rules.shift(
                    team, sorted(((v, s) for v, s in mine if v.day == last_day), key=lambda i: i[1])
                )
                not_before[t] = end + rules.rest_minutes
        day_locks = {vid: ts for vid, ts in locks.items() if index[vid].day == day}
        hint_all = scarce_first(
            day_visits, teams, rules, {**chosen, **day_locks}, extra=[index[vid] for vid in chosen]
        )
        hint = {vid: ts for vid, ts in hint_all.items() if index[vid].day == day}
        result = solve_model(
            day_visits,
            teams,
            rules,
            day_locks,
            time_limit=share,
            seed=seed,
            workers=workers,
            hint=hint,
            not_before=not_before,
            max_teams=TEAMS_PER_VISIT,
        )
        if result.status not in ("OPTIMAL", "FEASIBLE"):
            result.chosen = hint
        chosen.update(result.chosen)
        objective += result.objective
        if progress is not None:
            progress(SolveProgress(objective, 0, walltime.monotonic() - began, n + 1))
    # Across days, moves the day-by-day models could not see (a team's morning for an evening).
    chosen = improve(visits, teams, rules, chosen, locks, deadline=began + time_limit)
    # Day by day never proves the whole plan optimal, even when every day is.
    return ModelResult("FEASIBLE", objective, bound, walltime.monotonic() - began, chosen)
