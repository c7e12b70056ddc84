"""The CP-SAT model of a plan: its variables, constraints and objective, one family at a time.

`build_model` adds, in this order: who may make each visit and when (`add_visit_choices`), each
team-day's route and shift (`add_team_days`), the rest between a team's shifts
(`add_rest_between_shifts`) and the objective (`set_objective`). A new family of constraints
is one more function here, called from `build_model`. The order of the calls is the order of
the variables and constraints in the model, which the solver's search follows: keep it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from fieldkit.plan.problem import PlanProblem
from fieldkit.plan.visits import Visit

#: One covered visit of priority p is worth p * COVER_WEIGHT; each minute of travel or of
#: overtime costs 1. A team-day never has 10,000 minutes of either, so coverage comes first.
COVER_WEIGHT = 10_000
#: Hours of a team-day beyond this count as overtime in the objective (the hard limit is the
#: playbook's max_hours_per_day).
NORMAL_SHIFT_MINUTES = 8 * 60

Spans = list[tuple[int, int]]
#: (team, from visit, to visit); None is the team's base.
Leg = tuple[str, str | None, str | None]


@dataclass
class TeamDay:
    """One team's shift on one day: whether it works, when it leaves base and is back."""

    team: str
    day: date
    visits: list[Visit]
    lo: int  # the earliest the shift can begin
    hi: int  # the latest it can end
    works: cp_model.IntVar
    begin: cp_model.IntVar
    end: cp_model.IntVar
    overtime: cp_model.IntVar = field(init=False)


@dataclass
class PlanModel:
    """A CP-SAT model of a PlanProblem and the variables a hint or a reading needs."""

    problem: PlanProblem
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    #: (visit, team) -> the starts allowed to that team
    spans: dict[tuple[str, str], Spans] = field(default_factory=dict)
    #: (visit, team) -> whether that team makes the visit
    assigned: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    #: visit -> its start minute
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    #: (team, from, to) -> whether the team's route takes that leg
    legs: dict[Leg, cp_model.IntVar] = field(default_factory=dict)
    team_days: list[TeamDay] = field(default_factory=list)
    #: the objective's terms: what covered visits are worth, and travel and overtime minutes
    gain: list[cp_model.LinearExpr] = field(default_factory=list)
    costs: list[cp_model.LinearExpr] = field(default_factory=list)


def build_model(problem: PlanProblem) -> PlanModel:
    """The whole model of `problem`, objective included."""
    plan = PlanModel(problem)
    add_visit_choices(plan)
    add_team_days(plan)
    add_rest_between_shifts(plan)
    set_objective(plan)
    return plan


def allowed_teams(plan: PlanModel, v: Visit) -> list[str]:
    """The teams that may make `v` (the locked one, else the qualified and available ones,
    only the nearest `max_teams` and the hinted one if set); records their start spans."""
    problem = plan.problem
    lock = problem.locks.get(v.id)
    candidates = [lock[0]] if lock else list(problem.teams)
    for t in candidates:
        team = problem.teams[t]
        if team.missing(v):
            continue
        allowed = [(lock[1], lock[1])] if lock else team.start_spans(v)
        if allowed:
            plan.spans[v.id, t] = allowed
    eligible = [t for t in candidates if (v.id, t) in plan.spans]
    if problem.max_teams is not None and len(eligible) > problem.max_teams:
        travel = problem.rules.travel
        keep = sorted(eligible, key=lambda t: (travel.minutes(problem.teams[t].base, v.venue), t))
        keep = keep[: problem.max_teams]
        hinted = (problem.hint or {}).get(v.id)
        eligible = [t for t in eligible if t in keep or (hinted and hinted[0] == t)]
    return eligible


def add_visit_choices(plan: PlanModel) -> None:
    """Each visit goes to at most one allowed team, starting inside that team's spans."""
    model = plan.model
    for v in plan.problem.visits:
        eligible = allowed_teams(plan, v)
        if not eligible:
            continue
        lo = min(a for t in eligible for a, _ in plan.spans[v.id, t])
        hi = max(b for t in eligible for _, b in plan.spans[v.id, t])
        plan.start[v.id] = model.new_int_var(lo, hi, f"s[{v.id}]")
        for t in eligible:
            lit = model.new_bool_var(f"x[{v.id},{t}]")
            plan.assigned[v.id, t] = lit
            domain = cp_model.Domain.from_intervals([list(s) for s in plan.spans[v.id, t]])
            model.add_linear_expression_in_domain(plan.start[v.id], domain).only_enforce_if(lit)
            plan.gain.append(v.priority * COVER_WEIGHT * lit)
        model.add_at_most_one(plan.assigned[v.id, t] for t in eligible)
        lock = plan.problem.locks.get(v.id)
        if lock:
            model.add(plan.assigned[v.id, lock[0]] == 1)


def add_team_days(plan: PlanModel) -> None:
    """A route and a shift for every team on every day it may make a visit."""
    by_team_day: dict[tuple[str, date], list[Visit]] = defaultdict(list)
    for v in plan.problem.visits:
        for t in plan.problem.teams:
            if (v.id, t) in plan.assigned:
                by_team_day[t, v.day].append(v)
    for (t, day), day_visits in sorted(by_team_day.items()):
        add_team_day(plan, t, day, day_visits)


def add_team_day(plan: PlanModel, t: str, day: date, day_visits: list[Visit]) -> None:
    """One team-day: its shift, its route through the visits it makes, its limits."""
    problem, model = plan.problem, plan.model
    travel, base = problem.rules.travel, problem.teams[t].base
    starts = {v.id: plan.spans[v.id, t] for v in day_visits}
    lo = min(min(a for a, _ in starts[v.id]) - travel.minutes(base, v.venue) for v in day_visits)
    hi = max(
        max(b for _, b in starts[v.id]) + v.duration + travel.minutes(v.venue, base)
        for v in day_visits
    )
    works = model.new_bool_var(f"works[{t},{day}]")
    begin = model.new_int_var(lo, hi, f"shift_start[{t},{day}]")
    end = model.new_int_var(lo, hi, f"shift_end[{t},{day}]")
    shift = TeamDay(t, day, day_visits, lo, hi, works, begin, end)
    busy = add_route(plan, shift)
    add_shift_limits(plan, shift, busy)
    plan.team_days.append(shift)


def add_route(plan: PlanModel, shift: TeamDay) -> list[cp_model.LinearExprT]:
    """The team-day's route: a circuit from base through the visits it makes and back.

    Returns the minutes the route keeps the team busy (visits and travel), as expressions.
    """
    model = plan.model
    arcs: list[tuple[int, int, cp_model.LiteralT]] = [(0, 0, shift.works.Not())]
    busy: list[cp_model.LinearExprT] = []
    for i, v in enumerate(shift.visits, start=1):
        lit = plan.assigned[v.id, shift.team]
        model.add_implication(lit, shift.works)
        arcs.append((i, i, lit.Not()))
        arcs += add_legs_from_base(plan, shift, i, v, busy)
        arcs += add_moves_from(plan, shift, i, v, busy)
    model.add_bool_or([plan.assigned[v.id, shift.team] for v in shift.visits]).only_enforce_if(
        shift.works
    )
    model.add_circuit(arcs)
    return busy


def add_legs_from_base(
    plan: PlanModel, shift: TeamDay, i: int, v: Visit, busy: list[cp_model.LinearExprT]
) -> list[tuple[int, int, cp_model.LiteralT]]:
    """The legs base -> v (the shift begins then) and v -> base (the shift ends then)."""
    model, t = plan.model, shift.team
    travel, base = plan.problem.rules.travel, plan.problem.teams[t].base
    lit, start = plan.assigned[v.id, t], plan.start[v.id]
    out_lit = model.new_bool_var("")
    back_lit = model.new_bool_var("")
    plan.legs[t, None, v.id], plan.legs[t, v.id, None] = out_lit, back_lit
    t_out, t_back = travel.minutes(base, v.venue), travel.minutes(v.venue, base)
    model.add(shift.begin == start - t_out).only_enforce_if(out_lit)
    model.add(shift.end == start + v.duration + t_back).only_enforce_if(back_lit)
    # Valid by the triangle inequality (rounded up), and it tightens the relaxation.
    model.add(shift.begin <= start - t_out).only_enforce_if(lit)
    model.add(shift.end >= start + v.duration + t_back).only_enforce_if(lit)
    plan.costs += [t_out * out_lit, t_back * back_lit]
    busy += [v.duration * lit, t_out * out_lit, t_back * back_lit]
    return [(0, i, out_lit), (i, 0, back_lit)]


def add_moves_from(
    plan: PlanModel, shift: TeamDay, i: int, v: Visit, busy: list[cp_model.LinearExprT]
) -> list[tuple[int, int, cp_model.LiteralT]]:
    """The moves v -> u to the team-day's other visits u it could still reach in time."""
    model, t, travel = plan.model, shift.team, plan.problem.rules.travel
    earliest = min(a for a, _ in plan.spans[v.id, t])
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    for j, u in enumerate(shift.visits, start=1):
        if u is v:
            continue
        gap = travel.minutes(v.venue, u.venue)
        if earliest + v.duration + gap > max(b for _, b in plan.spans[u.id, t]):
            continue
        arc = model.new_bool_var("")
        arcs.append((i, j, arc))
        plan.legs[t, v.id, u.id] = arc
        model.add(plan.start[u.id] >= plan.start[v.id] + v.duration + gap).only_enforce_if(arc)
        if gap:
            plan.costs.append(gap * arc)
            busy.append(gap * arc)
    return arcs


def add_shift_limits(plan: PlanModel, shift: TeamDay, busy: list[cp_model.LinearExprT]) -> None:
    """The hours limit, the rest after earlier days and before later ones, and overtime's cost."""
    model, rules = plan.model, plan.problem.rules
    not_before, not_after = plan.problem.not_before, plan.problem.not_after
    works, begin, end = shift.works, shift.begin, shift.end
    model.add(end - begin <= rules.max_minutes).only_enforce_if(works)
    if not_before and shift.team in not_before:
        model.add(begin >= not_before[shift.team]).only_enforce_if(works)
    if not_after and shift.team in not_after:
        model.add(end <= not_after[shift.team]).only_enforce_if(works)
    overtime = model.new_int_var(
        0, max(0, shift.hi - shift.lo), f"overtime[{shift.team},{shift.day}]"
    )
    model.add(overtime >= end - begin - NORMAL_SHIFT_MINUTES).only_enforce_if(works)
    # A shift lasts at least its visits and its travel: a valid cut that bounds overtime.
    model.add(end - begin >= sum(busy))
    model.add(overtime >= sum(busy) - NORMAL_SHIFT_MINUTES)
    plan.costs.append(overtime)
    shift.overtime = overtime


def add_rest_between_shifts(plan: PlanModel) -> None:
    """Two shifts of a team that could come too close are at least the rest apart."""
    rest = plan.problem.rules.rest_minutes
    by_team: dict[str, list[TeamDay]] = defaultdict(list)
    for shift in plan.team_days:
        by_team[shift.team].append(shift)
    for days in by_team.values():
        for i, first in enumerate(days):
            for later in days[i + 1 :]:
                if first.hi + rest <= later.lo:
                    continue
                plan.model.add(later.begin - first.end >= rest).only_enforce_if(
                    [first.works, later.works]
                )


def set_objective(plan: PlanModel) -> None:
    """Maximise the priority covered (weighted first), less travel and overtime minutes."""
    plan.model.maximize(sum(plan.gain) - sum(plan.costs))
