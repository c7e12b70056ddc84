"""The planner's API: solve a playbook into a Plan, and test a move against the rules."""

from __future__ import annotations

import hashlib
import time as walltime
from collections import defaultdict
from dataclasses import replace

from fieldkit.errors import UserError
from fieldkit.plan.explain import explain
from fieldkit.plan.greedy import greedy
from fieldkit.plan.locks import Lock, resolve_locks
from fieldkit.plan.model import COVER_WEIGHT, NORMAL_SHIFT_MINUTES, ModelResult, solve_model
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.progress import ProgressCallback, StopSwitch
from fieldkit.plan.records import Assignment, Plan, SolverReport
from fieldkit.plan.rolling import solve_by_day
from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.split import DayMemo, keeps_rest, solve_days_apart
from fieldkit.plan.visits import TeamFacts, Visit, all_team_facts, expand_visits
from fieldkit.playbook.models import Playbook

#: The status of a plan that is the greedy one: the solver found nothing within the time limit
#: (a busy machine, a short --time-limit); the plan still keeps every rule.
GREEDY = "GREEDY"

#: Above this many visits the operation is solved day by day (see rolling.py).
WHOLE_MODEL_VISITS = 300
#: ... and so it is when a day has more (visit, team) pairs than this: each day's whole model
#: (every visit offered to every team) would not be solved in seconds.
DAY_MODEL_PAIRS = 300
#: The share of the time limit the days solved apart may take (split.py) before the whole model.
APART_SHARE = 0.8


class PlanningError(UserError):
    """The playbook cannot be planned as it is (e.g. venues with no coordinates)."""


def _require_locations(playbook: Playbook) -> None:
    missing = [v.id for v in playbook.venues if v.location is None]
    if missing:
        raise PlanningError(
            "these venues still need coordinates (geocode them or add "
            f"location: [lat, lon]): {', '.join(missing)}"
        )


def build_assignments(
    chosen: dict[str, tuple[str, int]],
    visits: dict[str, Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locked: set[str] | frozenset[str],
) -> list[Assignment]:
    """Assignments in time order, each with the travel from the team's previous place that day."""
    by_team: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for vid, (t, s) in chosen.items():
        by_team[t].append((s, vid))
    out = []
    for t in sorted(by_team):
        previous: tuple[str | None, object] = (teams[t].base, None)
        for s, vid in sorted(by_team[t]):
            v = visits[vid]
            place = previous[0] if previous[1] == v.day else teams[t].base
            out.append(
                Assignment(
                    vid, t, s, s + v.duration, rules.travel.minutes(place, v.venue), vid in locked
                )
            )
            previous = (v.venue, v.day)
    return sorted(out, key=lambda a: (a.start, a.team, a.visit))


def schedules(
    chosen: dict[str, tuple[str, int]], visits: dict[str, Visit]
) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = defaultdict(list)
    for vid, (t, s) in chosen.items():
        out[t].append((visits[vid], s))
    return out


def make_plan(
    playbook: Playbook,
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    chosen: dict[str, tuple[str, int]],
    report: SolverReport,
    locked: set[str] | frozenset[str] = frozenset(),
) -> Plan:
    index = {v.id: v for v in visits}
    sched = schedules(chosen, index)
    unassigned = {v.id: explain(v, teams, sched, rules) for v in visits if v.id not in chosen}
    report.covered_priority = sum(index[v].priority for v in chosen)
    return Plan(
        playbook,
        visits,
        teams,
        build_assignments(chosen, index, teams, rules, locked),
        unassigned,
        report,
    )


def solve(
    playbook: Playbook,
    *,
    locks: list[Lock] | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    work_limit: float | None = None,
    hint: Chosen | None = None,
    stop: StopSwitch | None = None,
    memo: DayMemo | None = None,
) -> Plan:
    """Solve the playbook with CP-SAT; locked assignments are kept, the rest re-solved.

    `work_limit` (CP-SAT's deterministic time) makes a search that ends by it give the same
    plan for the same seed on any machine, however busy; `time_limit` stays the wall-clock cap.
    `hint` (e.g. the previous plan) is where the search starts; `stop`, pressed, ends the search
    with the best plan so far; `memo` keeps the days proven optimal for the next re-solve.
    """
    problem = plan_problem(playbook, locks or [])
    if hint:
        problem = replace(problem, hint=_usable(hint, problem))
    settings = SolverSettings(time_limit, seed, min(max(workers, 1), 2), progress, work_limit, stop)
    digest = hashlib.sha256(playbook.model_dump_json().encode()).hexdigest() if memo else ""
    result = run_solver(problem, settings, digest, memo)
    report = solver_report(result, settings)
    plan = make_plan(
        playbook,
        problem.visits,
        problem.teams,
        problem.rules,
        result.chosen,
        report,
        set(problem.locks),
    )
    if by_day(problem) or result.status == GREEDY or not result.objective:
        # days not finished kept the baseline; a greedy plan has only its own worth
        report.objective = float(objective_of(plan))
        if report.bound <= 0:  # the solver proved nothing: every visit covered bounds it
            report.bound = float(sum(v.priority for v in problem.visits) * COVER_WEIGHT)
        report.gap = abs(report.bound - report.objective) / max(1.0, abs(report.bound))
    return plan


def plan_problem(playbook: Playbook, locks: list[Lock]) -> PlanProblem:
    """The visits, teams and rules of the playbook, with the locks resolved against them."""
    _require_locations(playbook)
    visits = expand_visits(playbook)
    teams = all_team_facts(playbook)
    rules = Rules(playbook)
    return PlanProblem(visits, teams, rules, resolve_locks(locks, visits, teams, rules))


def _usable(hint: Chosen, problem: PlanProblem) -> Chosen | None:
    """The hint's assignments of visits and teams the problem still has, the locks kept; None
    when that breaks a rule (a playbook changed since): a plan may fall back on its hint."""
    known = problem.visit_index()
    out = {v: ts for v, ts in hint.items() if v in known and ts[0] in problem.teams}
    out.update(problem.locks)
    by_team: dict[str, list[Item]] = defaultdict(list)
    for vid, (t, s) in out.items():
        by_team[t].append((known[vid], s))
    for t, items in by_team.items():
        if problem.rules.team_rules(problem.teams[t], sorted(items, key=lambda i: i[1])):
            return None
    return out


def by_day(problem: PlanProblem) -> bool:
    """Whether the operation is too large for the days apart and the whole model."""
    if len(problem.visits) > WHOLE_MODEL_VISITS:
        return True
    per_day: dict[object, int] = defaultdict(int)
    for v in problem.visits:
        per_day[v.day] += 1
    return max(per_day.values(), default=0) * len(problem.teams) > DAY_MODEL_PAIRS


def run_solver(
    problem: PlanProblem,
    settings: SolverSettings,
    digest: str = "",
    memo: DayMemo | None = None,
) -> ModelResult:
    """The days apart then the whole model, or day by day for a large operation; a clear
    error when no plan comes out."""
    if by_day(problem):
        result = solve_by_day(problem, settings)
    else:
        result = solve_whole(problem, settings, digest, memo)
    if result.status not in ("OPTIMAL", "FEASIBLE", GREEDY):
        if result.status == "INFEASIBLE":
            raise PlanningError("the locked assignments cannot all be kept together")
        raise PlanningError(
            f"no plan found within {settings.time_limit:g} s (solver: {result.status}); "
            "try a longer --time-limit"
        )
    return result


def solve_whole(
    problem: PlanProblem, settings: SolverSettings, digest: str, memo: DayMemo | None
) -> ModelResult:
    """Each day apart first: when their plans keep the rest between days, that is the optimum.
    Otherwise the whole model, from the best plan known; the days' bounds bound it too."""
    began = walltime.monotonic()
    start = problem.hint or greedy(problem)
    hinted = replace(problem, hint=start)
    # From nothing, each day starts from its own greedy or routed plan (split.py).
    apart = solve_days_apart(
        hinted if problem.hint else problem,
        settings.within(settings.time_limit * APART_SHARE),
        digest,
        memo,
    )
    stopped = settings.stop is not None and settings.stop.stopped
    merged = apart.over(problem, start) if apart.days else start
    if keeps_rest(problem, merged):
        if apart.complete and (apart.proven or stopped):
            status = "OPTIMAL" if apart.proven else "FEASIBLE"
            seconds = walltime.monotonic() - began
            return ModelResult(status, apart.objective, apart.bound, seconds, merged, apart.work)
        hinted = replace(problem, hint=merged)
    left = max(0.1, settings.time_limit - (walltime.monotonic() - began))
    result = solve_model(hinted, settings.within(left))
    result.seconds = walltime.monotonic() - began
    result.work += apart.work
    if result.status == "UNKNOWN" and hinted.hint is not None:
        # nothing better in time: the greedy plan, or the plan the search started from
        status = GREEDY if hinted.hint is start and not problem.hint else "FEASIBLE"
        bound = apart.bound if apart.complete else result.bound
        return replace(result, status=status, objective=0.0, bound=bound, chosen=dict(hinted.hint))
    if apart.complete and result.status == "FEASIBLE":
        result.bound = min(result.bound, apart.bound)
        if result.objective >= result.bound:
            result.status = "OPTIMAL"
    return result


def solver_report(result: ModelResult, settings: SolverSettings) -> SolverReport:
    """What the solver says of the plan: status, objective, bound, gap, time, settings."""
    gap = abs(result.bound - result.objective) / max(1.0, abs(result.bound))
    return SolverReport(
        result.status,
        result.objective,
        result.bound,
        gap,
        result.seconds,
        settings.seed,
        settings.time_limit,
        greedy_hint=True,
        work=result.work,
    )


def objective_of(plan: Plan) -> int:
    """The objective as the model counts it, recomputed from the plan (for checks and benches)."""
    rules = Rules(plan.playbook)
    index = plan.visit_index
    total = 0
    by_team_day: dict[tuple[str, object], list[Item]] = defaultdict(list)
    for a in plan.assignments:
        total += index[a.visit].priority * COVER_WEIGHT - a.travel_min
        by_team_day[a.team, index[a.visit].day].append((index[a.visit], a.start))
    for (t, _), items in by_team_day.items():
        items.sort(key=lambda i: i[1])
        last = items[-1][0]
        total -= rules.travel.minutes(last.venue, plan.teams[t].base)
        begin, end = rules.shift(plan.teams[t], items)
        total -= max(0, end - begin - NORMAL_SHIFT_MINUTES)
    return total


def check_move(plan: Plan, visit_id: str, team_id: str) -> list[str]:
    """The rules broken by giving `visit_id` to `team_id` at its best time ([] when it fits)."""
    start, broken = place_move(plan, visit_id, team_id)
    return [str(b) for b in broken]


def place_move(plan: Plan, visit_id: str, team_id: str) -> tuple[int | None, list[str]]:
    """The earliest start at which `team_id` can take `visit_id`, else the broken rules."""
    rules = Rules(plan.playbook)
    index = plan.visit_index
    if visit_id not in index:
        return None, [f"unknown visit {visit_id}"]
    if team_id not in plan.teams:
        return None, [f"unknown team {team_id}"]
    others = [(index[a.visit], a.start) for a in plan.of_team(team_id) if a.visit != visit_id]
    start, broken = rules.place(plan.teams[team_id], index[visit_id], others)
    return start, [str(b) for b in broken]
