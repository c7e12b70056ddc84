"""The CP-SAT model: which team makes which visit when, keeping every hard rule."""

from __future__ import annotations

import time as walltime
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: One covered visit of priority p is worth p * COVER_WEIGHT; each minute of travel or of
#: overtime costs 1. A team-day never has 10,000 minutes of either, so coverage comes first.
COVER_WEIGHT = 10_000
#: Hours of a team-day beyond this count as overtime in the objective (the hard limit is the
#: playbook's max_hours_per_day).
NORMAL_SHIFT_MINUTES = 8 * 60
#: Symmetry detection pays on small models (Barnet); big ones skip probing instead.
SYMMETRY_MAX_ARCS = 20_000
EXTRA_PARAMS: dict[str, object] = {}


@dataclass
class ModelResult:
    status: str
    objective: float
    bound: float
    seconds: float
    chosen: dict[str, tuple[str, int]]  # visit id -> (team id, start minute)


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: ProgressCallback | None) -> None:
        super().__init__()
        self.progress = progress
        self.count = 0
        self.started = walltime.monotonic()

    def on_solution_callback(self) -> None:
        self.count += 1
        if self.progress is not None:
            self.progress(
                SolveProgress(
                    self.ObjectiveValue(),
                    self.BestObjectiveBound(),
                    walltime.monotonic() - self.started,
                    self.count,
                )
            )


def solve_model(
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]],
    *,
    time_limit: float,
    seed: int,
    workers: int = 1,
    hint: dict[str, tuple[str, int]] | None = None,
    progress: ProgressCallback | None = None,
    not_before: dict[str, int] | None = None,
    max_teams: int | None = None,
) -> ModelResult:
    """Build and solve; `locks` fix (team, start) of some visits, `hint` seeds the search."""
    model = cp_model.CpModel()
    travel = rules.travel
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    start: dict[str, cp_model.IntVar] = {}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    gain = []
    for v in visits:
        lock = locks.get(v.id)
        candidates = [lock[0]] if lock else list(teams)
        for t in candidates:
            team = teams[t]
            if team.missing(v):
                continue
            allowed = team.start_spans(v)
            if lock:
                allowed = [(lock[1], lock[1])]
            if allowed:
                spans[v.id, t] = allowed
        eligible = [t for t in candidates if (v.id, t) in spans]
        if max_teams is not None and len(eligible) > max_teams:
            # Large operations: only the nearest teams (and the hinted one) are considered.
            keep = sorted(eligible, key=lambda t: (travel.minutes(teams[t].base, v.venue), t))
            keep = keep[:max_teams]
            hinted = (hint or {}).get(v.id)
            eligible = [t for t in eligible if t in keep or (hinted and hinted[0] == t)]
        if not eligible:
            continue
        lo = min(a for t in eligible for a, _ in spans[v.id, t])
        hi = max(b for t in eligible for _, b in spans[v.id, t])
        start[v.id] = model.new_int_var(lo, hi, f"s[{v.id}]")
        for t in eligible:
            lit = model.new_bool_var(f"x[{v.id},{t}]")
            x[v.id, t] = lit
            domain = cp_model.Domain.from_intervals([list(s) for s in spans[v.id, t]])
            model.add_linear_expression_in_domain(start[v.id], domain).only_enforce_if(lit)
            gain.append(v.priority * COVER_WEIGHT * lit)
        model.add_at_most_one(x[v.id, t] for t in eligible)
        if lock:
            model.add(x[v.id, lock[0]] == 1)
    costs = []
    arc_of: dict[tuple[str, str | None, str | None], cp_model.IntVar] = {}
    shift_of: dict[tuple[str, date], tuple[Any, ...]] = {}
    by_team_day: dict[tuple[str, date], list[Visit]] = defaultdict(list)
    for v in visits:
        for t in teams:
            if (v.id, t) in x:
                by_team_day[t, v.day].append(v)
    shifts: dict[
        str, list[tuple[date, cp_model.IntVar, cp_model.IntVar, cp_model.IntVar, int, int]]
    ]
    shifts = defaultdict(list)
    for (t, day), day_visits in sorted(by_team_day.items()):
        team = teams[t]
        base = team.base
        earliest = {v.id: min(a for a, _ in spans[v.id, t]) for v in day_visits}
        latest = {v.id: max(b for _, b in spans[v.id, t]) for v in day_visits}
        lo = min(earliest[v.id] - travel.minutes(base, v.venue) for v in day_visits)
        hi = max(latest[v.id] + v.duration + travel.minutes(v.venue, base) for v in day_visits)
        works = model.new_bool_var(f"works[{t},{day}]")
        s_shift = model.new_int_var(lo, hi, f"shift_start[{t},{day}]")
        e_shift = model.new_int_var(lo, hi, f"shift_end[{t},{day}]")
        arcs: list[tuple[int, int, cp_model.LiteralT]] = [(0, 0, works.Not())]
        busy: list[cp_model.LinearExprT] = []
        for i, v in enumerate(day_visits, start=1):
            lit = x[v.id, t]
            model.add_implication(lit, works)
            arcs.append((i, i, lit.Not()))
            out_lit = model.new_bool_var("")
            back_lit = model.new_bool_var("")
            arcs += [(0, i, out_lit), (i, 0, back_lit)]
            arc_of[t, None, v.id], arc_of[t, v.id, None] = out_lit, back_lit
            t_out, t_back = travel.minutes(base, v.venue), travel.minutes(v.venue, base)
            model.add(s_shift == start[v.id] - t_out).only_enforce_if(out_lit)
            model.add(e_shift == start[v.id] + v.duration + t_back).only_enforce_if(back_lit)
            # Valid by the triangle inequality (rounded up), and it tightens the relaxation.
            model.add(s_shift <= start[v.id] - t_out).only_enforce_if(lit)
            model.add(e_shift >= start[v.id] + v.duration + t_back).only_enforce_if(lit)
            costs += [t_out * out_lit, t_back * back_lit]
            busy += [v.duration * lit, t_out * out_lit, t_back * back_lit]
            for j, u in enumerate(day_visits, start=1):
                if u is v:
                    continue
                gap = travel.minutes(v.venue, u.venue)
                if earliest[v.id] + v.duration + gap > latest[u.id]:
                    continue
                arc = model.new_bool_var("")
                arcs.append((i, j, arc))
                arc_of[t, v.id, u.id] = arc
                model.add(start[u.id] >= start[v.id] + v.duration + gap).only_enforce_if(arc)
                if gap:
                    costs.append(gap * arc)
                    busy.append(gap * arc)
        model.add_bool_or([x[v.id, t] for v in day_visits]).only_enforce_if(works)
        model.add_circuit(arcs)
        model.add(e_shift - s_shift <= rules.max_minutes).only_enforce_if(works)
        if not_before and t in not_before:
            model.add(s_shift >= not_before[t]).only_enforce_if(works)
        overtime = model.new_int_var(0, max(0, hi - lo), f"overtime[{t},{day}]")
        model.add(overtime >= e_shift - s_shift - NORMAL_SHIFT_MINUTES).only_enforce_if(works)
        # A shift lasts at least its visits and its travel: a valid cut that bounds overtime.
        model.add(e_shift - s_shift >= sum(busy))
        model.add(overtime >= sum(busy) - NORMAL_SHIFT_MINUTES)
        costs.append(overtime)
        shifts[t].append((day, works, s_shift, e_shift, lo, hi))
        shift_of[t, day] = (works, s_shift, e_shift, overtime, lo)
    for days in shifts.values():
        for i, (_, w1, _, e1, _, hi1) in enumerate(days):
            for _, w2, s2, _, lo2, _ in days[i + 1 :]:
                if hi1 + rules.rest_minutes <= lo2:
                    continue
                model.add(s2 - e1 >= rules.rest_minutes).only_enforce_if([w1, w2])
    model.maximize(sum(gain) - sum(costs))
    if hint:
        _add_hint(model, hint, visits, teams, rules, x, start, arc_of, shift_of)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    if len(arc_of) <= SYMMETRY_MAX_ARCS:
        solver.parameters.symmetry_level = 4
    else:  # probing such a model takes all the time there is
        solver.parameters.cp_model_probing_level = 0
    for key, value in EXTRA_PARAMS.items():
        setattr(solver.parameters, key, value)
    reporter = _Reporter(progress)
    began = walltime.monotonic()
    code = solver.solve(model, reporter)
    seconds = walltime.monotonic() - began
    status = solver.status_name(code)
    chosen: dict[str, tuple[str, int]] = {}
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (vid, t), lit in x.items():
            if solver.boolean_value(lit):
                chosen[vid] = (t, solver.value(start[vid]))
        objective, bound = solver.objective_value, solver.best_objective_bound
    else:
        objective, bound = 0.0, 0.0
    return ModelResult(status, objective, bound, seconds, chosen)


def _add_hint(
    model: cp_model.CpModel,
    hint: dict[str, tuple[str, int]],
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    x: dict[tuple[str, str], cp_model.IntVar],
    start: dict[str, cp_model.IntVar],
    arc_of: dict[tuple[str, str | None, str | None], cp_model.IntVar],
    shift_of: dict[tuple[str, date], tuple[Any, ...]],
) -> None:
    """A complete hint (every variable) from a feasible schedule, so search starts from it."""
    index = {v.id: v for v in visits}
    usable = {vid: ts for vid, ts in hint.items() if (vid, ts[0]) in x}
    for (vid, t), lit in x.items():
        model.add_hint(lit, usable.get(vid, ("", 0))[0] == t)
    for vid, var in start.items():
        model.add_hint(var, usable[vid][1] if vid in usable else index[vid].window[0])
    routes: dict[tuple[str, date], list[tuple[int, Visit]]] = defaultdict(list)
    for vid, (t, s) in usable.items():
        routes[t, index[vid].day].append((s, index[vid]))
    on_arcs: set[tuple[str, str | None, str | None]] = set()
    for (t, day), (works, s_shift, e_shift, overtime, lo) in shift_of.items():
        route = sorted(routes.get((t, day), []), key=lambda i: i[0])
        model.add_hint(works, bool(route))
        if not route:
            model.add_hint(s_shift, lo)
            model.add_hint(e_shift, lo)
            model.add_hint(overtime, 0)
            continue
        ids: list[str | None] = [None, *(v.id for _, v in route), None]
        on_arcs.update((t, a, b) for a, b in zip(ids, ids[1:], strict=False))
        begin, end = rules.shift(teams[t], [(v, s) for s, v in route])
        model.add_hint(s_shift, begin)
        model.add_hint(e_shift, end)
        model.add_hint(overtime, max(0, end - begin - NORMAL_SHIFT_MINUTES))
    for key, lit in arc_of.items():
        model.add_hint(lit, key in on_arcs)
