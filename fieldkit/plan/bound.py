"""A valid upper bound on the objective: each day alone, with routes replaced by team time.

The relaxation keeps, for every team on every day, the capacity that decides coverage:

- a visit goes to at most one team that has its skills and partners and whose members are all
  available inside its window (locked visits: their team and start);
- a team is at one visit at a time, and each visit occupies the team for its duration plus
  `h` minutes before and after, where `h` is half the shortest travel between this visit's
  venue and the team's base or any other venue the team could visit that day (rounded down):
  two consecutive visits A, B need travel(A, B) >= h_A + h_B between them, so this is implied
  by the travel rule;
- a team's day fits in `max_hours_per_day`: it begins no later than any of its visits' start
  less the travel from base to it (by the triangle inequality) or less h, and ends no earlier
  than any visit's end plus the travel back or h; the sum of (duration + 2h) fits in it too;
- for each time span between window edges, the team's visits that must lie inside it fit in
  it (energy cuts), and two visits the team cannot both make (either order, with windows,
  travel and hours) are never both given to it (pair cuts);
- travel costs at least 2h per visit and overtime at least (that day's occupied minutes - 8 h).

Dropped: the exact travel (only its lower bound above) and the rest between days. Every plan of
the operation is a solution of each day's relaxation, so the sum over days of each relaxed
day's best bound (CP-SAT's proven bound, optimal or not) is never below the true optimum.
"""

from __future__ import annotations

import math
import time as walltime
from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from fieldkit.plan.model import COVER_WEIGHT, NORMAL_SHIFT_MINUTES
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: Each day's relaxation gets at least this long, whatever the time limit.
MIN_SOLVE_SECONDS = 0.3


def _candidates(
    day_visits: list[Visit],
    teams: dict[str, TeamFacts],
    locks: dict[str, tuple[str, int]],
) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """team -> visit id -> allowed start spans, for the qualified and available pairs."""
    out: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(dict)
    for v in day_visits:
        fixed = locks.get(v.id)
        for t, team in teams.items():
            if fixed and fixed[0] != t:
                continue
            spans = [(fixed[1], fixed[1])] if fixed else team.start_spans(v)
            if spans and not team.missing(v):
                out[t][v.id] = spans
    return out


def _halves(team: TeamFacts, mine: list[Visit], rules: Rules) -> dict[str, int]:
    """Each visit's h for this team: half the shortest travel to its base or another venue."""
    travel = rules.travel
    out = {}
    for v in mine:
        near = [travel.minutes(team.base, v.venue)] if team.base is not None else [0]
        near += [travel.minutes(u.venue, v.venue) for u in mine if u is not v]
        out[v.id] = min(near) // 2
    return out


def _reach(v: Visit, spans: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(earliest start, latest start, earliest end, latest end) of `v` for this team."""
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return lo, hi, lo + v.duration, hi + v.duration


def _pair_fits(
    team: TeamFacts, a: Visit, b: Visit, allowed: dict[str, list[tuple[int, int]]], rules: Rules
) -> bool:
    """Whether `team` could make visit `a` and then `b` the same day (windows, travel, hours)."""
    gap = rules.travel.minutes(a.venue, b.venue)
    a_lo, a_hi, _, _ = _reach(a, allowed[a.id])
    earliest = a_lo + a.duration + gap
    b_starts = [max(lo, earliest) for lo, hi in allowed[b.id] if max(lo, earliest) <= hi]
    if not b_starts:
        return False
    # The shortest day doing both: from leaving for a to returning from b.
    between = max(a.duration + gap, min(b_starts) - a_hi)
    out = rules.travel.minutes(team.base, a.venue)
    back = rules.travel.minutes(b.venue, team.base)
    return out + between + b.duration + back <= rules.max_minutes


def _pair_cuts(
    model: cp_model.CpModel,
    team: TeamFacts,
    mine: list[Visit],
    allowed: dict[str, list[tuple[int, int]]],
    rules: Rules,
    lits: dict[str, cp_model.IntVar],
) -> None:
    """Two visits the team cannot both make (in either order) get at most one of them."""
    for i, a in enumerate(mine):
        for b in mine[i + 1 :]:
            if not _pair_fits(team, a, b, allowed, rules) and not _pair_fits(
                team, b, a, allowed, rules
            ):
                model.add_at_most_one([lits[a.id], lits[b.id]])


def _energy_cuts(
    model: cp_model.CpModel,
    mine: list[Visit],
    allowed: dict[str, list[tuple[int, int]]],
    rules: Rules,
    lits: dict[str, cp_model.IntVar],
) -> None:
    """For each time span [a, b] between the team's window edges, the visits S that must lie
    inside it fit in it: sum over S of (duration + 2h) <= b - a + 2 max h, with h half the
    shortest travel from the visit to another of S (consecutive visits of S are at least
    h + h apart, by the triangle inequality even with other visits between them).
    """
    reach = {v.id: _reach(v, allowed[v.id]) for v in mine}
    edges_lo = sorted({r[0] for r in reach.values()})
    edges_hi = sorted({r[3] for r in reach.values()})
    travel = rules.travel
    for a in edges_lo:
        for b in edges_hi:
            inside = [v for v in mine if a <= reach[v.id][0] and reach[v.id][3] <= b]
            if len(inside) < 3:  # pairs are exact in _pair_cuts
                continue
            half = {
                v.id: min(travel.minutes(u.venue, v.venue) for u in inside if u is not v) // 2
                for v in inside
            }
            slack = 2 * max(half.values())
            size = {v.id: v.duration + 2 * half[v.id] for v in inside}
            if sum(size.values()) - slack <= b - a:
                continue
            model.add(sum(size[v.id] * lits[v.id] for v in inside) <= b - a + slack)


def _add_day(
    model: cp_model.CpModel,
    day_visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    objective: list[cp_model.LinearExprT],
) -> float:
    """One day's relaxation into `model`; returns every coverable visit's worth."""
    index = {v.id: v for v in day_visits}
    by_visit: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for t, allowed in sorted(_candidates(day_visits, teams, locks).items()):
        mine = [index[vid] for vid in allowed]
        half = _halves(teams[t], mine, rules)
        intervals, busy = [], []
        lits: dict[str, cp_model.IntVar] = {}
        out = {v.id: rules.travel.minutes(teams[t].base, v.venue) for v in mine}
        back = {v.id: rules.travel.minutes(v.venue, teams[t].base) for v in mine}
        lo = min(a - max(half[v.id], out[v.id]) for v in mine for a, _ in allowed[v.id])
        hi = max(
            b + v.duration + max(half[v.id], back[v.id]) for v in mine for _, b in allowed[v.id]
        )
        begin = model.new_int_var(lo, hi, "")
        end = model.new_int_var(lo, hi, "")
        works = model.new_bool_var("")
        for v in mine:
            spans = allowed[v.id]
            lit = model.new_bool_var("")
            h = half[v.id]
            start = model.new_int_var(min(a for a, _ in spans), max(b for _, b in spans), "")
            domain = cp_model.Domain.from_intervals([list(s) for s in spans])
            model.add_linear_expression_in_domain(start, domain).only_enforce_if(lit)
            intervals.append(
                model.new_optional_fixed_size_interval_var(start - h, v.duration + 2 * h, lit, "")
            )
            # The shift leaves base by start - travel from base (triangle inequality), and h.
            model.add(begin <= start - max(h, out[v.id])).only_enforce_if(lit)
            model.add(end >= start + v.duration + max(h, back[v.id])).only_enforce_if(lit)
            model.add_implication(lit, works)
            busy.append((v.duration + 2 * h) * lit)
            objective += [v.priority * COVER_WEIGHT * lit, -2 * h * lit]
            by_visit[v.id].append(lit)
            lits[v.id] = lit
        model.add_no_overlap(intervals)
        _pair_cuts(model, teams[t], mine, allowed, rules, lits)
        _energy_cuts(model, mine, allowed, rules, lits)
        model.add_bool_or(list(lits.values())).only_enforce_if(works)
        model.add(end - begin <= rules.max_minutes).only_enforce_if(works)
        model.add(sum(busy) <= rules.max_minutes)
        overtime = model.new_int_var(0, max(0, hi - lo), "")
        model.add(overtime >= sum(busy) - NORMAL_SHIFT_MINUTES)
        model.add(overtime >= end - begin - NORMAL_SHIFT_MINUTES).only_enforce_if(works)
        objective.append(-overtime)
    for vid, options in by_visit.items():
        if vid in locks:
            model.add_exactly_one(options)
        else:
            model.add_at_most_one(options)
    return float(sum(index[vid].priority * COVER_WEIGHT for vid in by_visit))


def _solve_bound(
    model: cp_model.CpModel,
    objective: list[cp_model.LinearExprT],
    trivial: float,
    time_limit: float,
    seed: int,
    workers: int,
) -> tuple[float, bool]:
    """CP-SAT's proven bound on `model` (at most `trivial`), and whether it is optimal."""
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Stopped before the first solution, the solver's bound is not reliable (and locks that
        # clash leave no plan at all): every visit covered is always a bound.
        return trivial, False
    # The objective is a whole number; the solver's bound is a float that may sit a hair below.
    proven = math.ceil(solver.best_objective_bound - 1e-6)
    return min(trivial, float(proven)), code == cp_model.OPTIMAL


def day_bound(
    day_visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    *,
    time_limit: float,
    seed: int,
    workers: int,
) -> tuple[float, bool]:
    """(bound, proven optimal) for one day's relaxation, within `time_limit` (building too)."""
    began = walltime.monotonic()
    model = cp_model.CpModel()
    objective: list[cp_model.LinearExprT] = []
    trivial = _add_day(model, day_visits, teams, rules, locks, objective)
    if not objective:
        return 0.0, True
    left = time_limit - (walltime.monotonic() - began)
    return _solve_bound(model, objective, trivial, left, seed, workers)


def relaxed_bound(
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    *,
    time_limit: float,
    seed: int,
    workers: int,
) -> float:
    """The sum over days of each day's relaxed bound (see the module docstring)."""
    days: dict[date, list[Visit]] = defaultdict(list)
    for v in visits:
        days[v.day].append(v)
    total = 0.0
    began = walltime.monotonic()
    for n, day in enumerate(sorted(days)):
        left = time_limit - (walltime.monotonic() - began)
        bound, _ = day_bound(
            days[day],
            teams,
            rules,
            locks,
            time_limit=left / (len(days) - n),
            seed=seed,
            workers=workers,
        )
        total += bound
    return total
