"""Large operations: solve one day at a time, each day's model seeing the days already fixed.

The whole-operation model grows with (visits per team-day)^2 arcs; for a thousand visits its
presolve alone takes most of a minute. Day by day, each model is small; the rest rule links a
day to the ones already planned (a team starts no earlier than its last shift's end plus rest).
The bound reported is the sum of the days' bounds with the rest rule between days dropped.
"""

from __future__ import annotations

import time as walltime
from collections import defaultdict
from datetime import date

from fieldkit.plan.greedy import greedy
from fieldkit.plan.model import COVER_WEIGHT, ModelResult, solve_model
from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: The share of the time limit spent on the bound (each day alone, rest between days relaxed).
BOUND_SHARE = 0.3
#: Day by day, each visit is offered to this many of its nearest qualified teams (and the
#: baseline's choice), which keeps each day's model small enough to improve within seconds.
TEAMS_PER_VISIT = 4


def _bound(
    days: dict[date, list[Visit]],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    time_limit: float,
    seed: int,
    workers: int,
) -> float:
    """A true upper bound: with the rest rule between days dropped the days are independent,
    so the sum of each day's best bound bounds the whole operation."""
    total = 0.0
    for day in sorted(days):
        day_visits = days[day]
        ids = {v.id for v in day_visits}
        coverable = float(
            sum(
                v.priority * COVER_WEIGHT
                for v in day_visits
                if any(not t.missing(v) and t.start_spans(v) for t in teams.values())
            )
        )
        result = solve_model(
            day_visits,
            teams,
            rules,
            {vid: ts for vid, ts in locks.items() if vid in ids},
            time_limit=max(0.3, time_limit / len(days)),
            seed=seed,
            workers=workers,
        )
        found = result.status in ("OPTIMAL", "FEASIBLE")
        total += min(coverable, result.bound) if found else coverable
    return total


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
    time_limit *= 1 - BOUND_SHARE
    index = {v.id: v for v in visits}
    chosen: dict[str, tuple[str, int]] = {}
    objective = 0.0
    order = sorted(days)
    for n, day in enumerate(order):
        day_visits = days[day]
        left = time_limit - (walltime.monotonic() - began)
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
        hint_all = greedy(
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
    bound = _bound(days, teams, rules, locks, time_limit * BOUND_SHARE, seed, workers)
    # Day by day never proves the whole plan optimal, even when every day is.
    return ModelResult("FEASIBLE", objective, bound, walltime.monotonic() - began, chosen)
