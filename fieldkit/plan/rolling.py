"""Large operations: solve one day at a time, each day's model seeing the days already fixed.

The whole-operation model grows with (visits per team-day)^2 arcs; for a thousand visits its
presolve alone takes most of a minute. Day by day, each model is small; the rest rule links a
day to the ones already planned (a team starts no earlier than its last shift's end plus rest).
The bound reported is the sum of each day's bound with travel, hours and rest relaxed.
"""

from __future__ import annotations

import time as walltime
from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from fieldkit.plan.greedy import greedy
from fieldkit.plan.model import COVER_WEIGHT, ModelResult, solve_model
from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: The share of the time limit spent on the bound (each day alone, relaxed).
BOUND_SHARE = 0.15
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
    """A true upper bound: each day alone with travel, hours and rest dropped (a relaxation,
    and travel and overtime only lower the objective) - a small model with no routes."""
    total = 0.0
    for day in sorted(days):
        model = cp_model.CpModel()
        per_team: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        gain = []
        for v in days[day]:
            fixed = locks.get(v.id)
            lits = []
            for t, team in teams.items():
                spans = team.start_spans(v)
                if team.missing(v) or not spans or (fixed and fixed[0] != t):
                    continue
                lit = model.new_bool_var("")
                lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
                start = model.new_int_var(lo, hi, "")
                domain = cp_model.Domain.from_intervals([list(sp) for sp in spans])
                model.add_linear_expression_in_domain(start, domain).only_enforce_if(lit)
                per_team[t].append(
                    model.new_optional_fixed_size_interval_var(start, v.duration, lit, "")
                )
                lits.append(lit)
                gain.append(v.priority * COVER_WEIGHT * lit)
            model.add_at_most_one(lits)
        for intervals in per_team.values():
            model.add_no_overlap(intervals)
        model.maximize(sum(gain))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.2, time_limit / len(days))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        code = solver.solve(model)
        coverable = float(sum(v.priority * COVER_WEIGHT for v in days[day]))
        found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        total += min(coverable, solver.best_objective_bound) if found else coverable
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
    bound_time = time_limit * BOUND_SHARE
    time_limit -= bound_time
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
    bound = _bound(days, teams, rules, locks, bound_time, seed, workers)
    # Day by day never proves the whole plan optimal, even when every day is.
    return ModelResult("FEASIBLE", objective, bound, walltime.monotonic() - began, chosen)
