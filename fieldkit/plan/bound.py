"""A valid upper bound on one day's objective: its relaxation, routes replaced by team time.

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

Dropped: the exact travel (only its lower bound above; `day_bound(exact=True)` adds the travel
between each pair of visits, which orders them as a route would) and the rest between days
(operation_bound.py puts it back). Every plan of the operation is a
solution of each day's relaxation, so the sum over days of each relaxed day's best bound
(CP-SAT's proven bound, optimal or not) is never below the true optimum.
"""

from __future__ import annotations

import math
import time as walltime
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from fieldkit.plan.constraints import COVER_WEIGHT, NORMAL_SHIFT_MINUTES, Spans
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: Each day's relaxation gets at least this long, whatever the time limit.
MIN_SOLVE_SECONDS = 0.3


def _candidates(
    day_visits: list[Visit],
    teams: dict[str, TeamFacts],
    locks: Chosen,
) -> dict[str, dict[str, Spans]]:
    """team -> visit id -> allowed start spans, for the qualified and available pairs."""
    out: dict[str, dict[str, Spans]] = defaultdict(dict)
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


def _reach(v: Visit, spans: Spans) -> tuple[int, int, int, int]:
    """(earliest start, latest start, earliest end, latest end) of `v` for this team."""
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return lo, hi, lo + v.duration, hi + v.duration


def _pair_fits(
    team: TeamFacts, a: Visit, b: Visit, allowed: dict[str, Spans], rules: Rules
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
    allowed: dict[str, Spans],
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
    allowed: dict[str, Spans],
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


def _travel_between(
    model: cp_model.CpModel, day: RelaxedDay, mine: list[Visit], rules: Rules
) -> None:
    """Two visits the team makes are apart by at least the travel between them, in whichever
    order (exact for the order of a route, by the triangle inequality); only for pairs whose
    spans could bring them that close."""
    travel = rules.travel
    reach = {v.id: _reach(v, day.allowed[v.id]) for v in mine}
    for i, a in enumerate(mine):
        for b in mine[i + 1 :]:
            ab, ba = travel.minutes(a.venue, b.venue), travel.minutes(b.venue, a.venue)
            if ab <= day.half[a.id] + day.half[b.id] and ba <= day.half[a.id] + day.half[b.id]:
                continue  # the intervals with h around already keep them apart
            a_first = reach[a.id][2] + ab <= reach[b.id][1]  # a then b is possible
            b_first = reach[b.id][2] + ba <= reach[a.id][1]
            if reach[a.id][3] + ab <= reach[b.id][0] or reach[b.id][3] + ba <= reach[a.id][0]:
                continue  # one order is always kept by their spans
            la, lb, sa, sb = day.lits[a.id], day.lits[b.id], day.starts[a.id], day.starts[b.id]
            if a_first and b_first:
                order = model.new_bool_var("")
                model.add(sb >= sa + a.duration + ab).only_enforce_if([la, lb, order])
                model.add(sa >= sb + b.duration + ba).only_enforce_if([la, lb, order.Not()])
            elif a_first:
                model.add(sb >= sa + a.duration + ab).only_enforce_if([la, lb])
            elif b_first:
                model.add(sa >= sb + b.duration + ba).only_enforce_if([la, lb])
            else:
                model.add_bool_or([la.Not(), lb.Not()])


@dataclass
class RelaxedDay:
    """One team's day in the relaxation: its shift and what its visits add to it."""

    team: TeamFacts
    allowed: dict[str, Spans]  # visit id -> start spans
    half: dict[str, int]  # visit id -> h
    lo: int
    hi: int
    begin: cp_model.IntVar
    end: cp_model.IntVar
    works: cp_model.IntVar
    intervals: list[cp_model.IntervalVar] = field(default_factory=list)
    busy: list[cp_model.LinearExprT] = field(default_factory=list)
    lits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    starts: dict[str, cp_model.IntVar] = field(default_factory=dict)


def add_day(
    model: cp_model.CpModel, problem: PlanProblem, objective: list[cp_model.LinearExprT]
) -> tuple[float, dict[str, RelaxedDay]]:
    """One day's relaxation of `problem` (its visits are one day's) into `model`; returns
    every coverable visit's worth and each team's relaxed shift."""
    index = problem.visit_index()
    by_visit: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    shifts: dict[str, RelaxedDay] = {}
    for t, allowed in sorted(_candidates(problem.visits, problem.teams, problem.locks).items()):
        mine = [index[vid] for vid in allowed]
        day = _open_team_day(model, problem.teams[t], mine, allowed, problem.rules)
        for v in mine:
            by_visit[v.id].append(_add_relaxed_visit(model, day, v, problem.rules, objective))
        _add_team_day_limits(model, day, mine, problem.rules, objective)
        shifts[t] = day
    for vid, options in by_visit.items():
        if vid in problem.locks:
            model.add_exactly_one(options)
        else:
            model.add_at_most_one(options)
    return float(sum(index[vid].priority * COVER_WEIGHT for vid in by_visit)), shifts


def _open_team_day(
    model: cp_model.CpModel,
    team: TeamFacts,
    mine: list[Visit],
    allowed: dict[str, Spans],
    rules: Rules,
) -> RelaxedDay:
    """The team's shift on the day: begin, end and whether it works, within what its visits
    allow (their spans, widened by h or by the travel from and to base)."""
    half = _halves(team, mine, rules)
    out = {v.id: rules.travel.minutes(team.base, v.venue) for v in mine}
    back = {v.id: rules.travel.minutes(v.venue, team.base) for v in mine}
    lo = min(a - max(half[v.id], out[v.id]) for v in mine for a, _ in allowed[v.id])
    hi = max(b + v.duration + max(half[v.id], back[v.id]) for v in mine for _, b in allowed[v.id])
    begin = model.new_int_var(lo, hi, "")
    end = model.new_int_var(lo, hi, "")
    works = model.new_bool_var("")
    return RelaxedDay(team, allowed, half, lo, hi, begin, end, works)


def _add_relaxed_visit(
    model: cp_model.CpModel,
    day: RelaxedDay,
    v: Visit,
    rules: Rules,
    objective: list[cp_model.LinearExprT],
) -> cp_model.IntVar:
    """Whether the team makes `v` (returned), its start, and the time it takes with h around."""
    spans, h = day.allowed[v.id], day.half[v.id]
    lit = model.new_bool_var("")
    start = model.new_int_var(min(a for a, _ in spans), max(b for _, b in spans), "")
    domain = cp_model.Domain.from_intervals([list(s) for s in spans])
    model.add_linear_expression_in_domain(start, domain).only_enforce_if(lit)
    day.intervals.append(
        model.new_optional_fixed_size_interval_var(start - h, v.duration + 2 * h, lit, "")
    )
    # The shift leaves base by start - travel from base (triangle inequality), and h.
    out = rules.travel.minutes(day.team.base, v.venue)
    back = rules.travel.minutes(v.venue, day.team.base)
    model.add(day.begin <= start - max(h, out)).only_enforce_if(lit)
    model.add(day.end >= start + v.duration + max(h, back)).only_enforce_if(lit)
    model.add_implication(lit, day.works)
    day.busy.append((v.duration + 2 * h) * lit)
    objective += [v.priority * COVER_WEIGHT * lit, -2 * h * lit]
    day.lits[v.id] = lit
    day.starts[v.id] = start
    return lit


def _add_team_day_limits(
    model: cp_model.CpModel,
    day: RelaxedDay,
    mine: list[Visit],
    rules: Rules,
    objective: list[cp_model.LinearExprT],
) -> None:
    """One visit at a time, the cuts, the hours limit, and overtime's cost."""
    model.add_no_overlap(day.intervals)
    _pair_cuts(model, day.team, mine, day.allowed, rules, day.lits)
    _energy_cuts(model, mine, day.allowed, rules, day.lits)
    model.add_bool_or(list(day.lits.values())).only_enforce_if(day.works)
    model.add(day.end - day.begin <= rules.max_minutes).only_enforce_if(day.works)
    model.add(sum(day.busy) <= rules.max_minutes)
    overtime = model.new_int_var(0, max(0, day.hi - day.lo), "")
    model.add(overtime >= sum(day.busy) - NORMAL_SHIFT_MINUTES)
    model.add(overtime >= day.end - day.begin - NORMAL_SHIFT_MINUTES).only_enforce_if(day.works)
    objective.append(-overtime)


def solve_bound(
    model: cp_model.CpModel,
    objective: list[cp_model.LinearExprT],
    trivial: float,
    time_limit: float,
    settings: SolverSettings,
) -> tuple[float, bool]:
    """CP-SAT's proven bound on `model` (at most `trivial`), and whether it is optimal."""
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, time_limit)
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    # The LP's cuts prove these relaxations several times faster than the default level.
    solver.parameters.linearization_level = 2
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Stopped before the first solution, the solver's bound is not reliable (and locks that
        # clash leave no plan at all): every visit covered is always a bound.
        return trivial, False
    # The objective is a whole number; the solver's bound is a float that may sit a hair below.
    proven = math.ceil(solver.best_objective_bound - 1e-6)
    return min(trivial, float(proven)), code == cp_model.OPTIMAL


def day_bound(
    problem: PlanProblem, settings: SolverSettings, cap: float | None = None, exact: bool = False
) -> tuple[float, bool]:
    """(bound, proven optimal) for one day's relaxation (the problem's visits are one day's),
    within the settings' time limit (building too). `exact` adds the travel between each pair
    of visits a team makes (`_travel_between`); `cap`, a bound already proven, caps it."""
    began = walltime.monotonic()
    model = cp_model.CpModel()
    objective: list[cp_model.LinearExprT] = []
    trivial, shifts = add_day(model, problem, objective)
    if not objective:
        return 0.0, True
    if exact:
        index = problem.visit_index()
        for shift in shifts.values():
            _travel_between(model, shift, [index[vid] for vid in shift.lits], problem.rules)
    if cap is not None:
        model.add(sum(objective) <= math.floor(cap))
        trivial = min(trivial, cap)
    left = settings.time_limit - (walltime.monotonic() - began)
    return solve_bound(model, objective, trivial, left, settings)
