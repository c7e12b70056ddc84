"""The planner's API: solve a playbook into a Plan, and test a move against the rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from fieldkit.errors import UserError
from fieldkit.plan.explain import explain
from fieldkit.plan.greedy import greedy
from fieldkit.plan.locks import Lock, resolve_locks
from fieldkit.plan.model import COVER_WEIGHT, NORMAL_SHIFT_MINUTES, ModelResult, solve_model
from fieldkit.plan.problem import PlanProblem, SolverSettings
from fieldkit.plan.progress import ProgressCallback
from fieldkit.plan.records import Assignment, Plan, SolverReport
from fieldkit.plan.rolling import solve_by_day
from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit, all_team_facts, expand_visits
from fieldkit.playbook.models import Playbook

#: The status of a plan that is the greedy one: the solver found nothing within the time limit
#: (a busy machine, a short --time-limit); the plan still keeps every rule.
GREEDY = "GREEDY"

#: Above this many visits the operation is solved day by day (see rolling.py).
WHOLE_MODEL_VISITS = 300


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
) -> Plan:
    """Solve the playbook with CP-SAT; locked assignments are kept, the rest re-solved.

    `work_limit` (CP-SAT's deterministic time) makes a search that ends by it give the same
    plan for the same seed on any machine, however busy; `time_limit` stays the wall-clock cap.
    """
    problem = plan_problem(playbook, locks or [])
    settings = SolverSettings(time_limit, seed, min(max(workers, 1), 2), progress, work_limit)
    result = run_solver(problem, settings)
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
    if len(problem.visits) > WHOLE_MODEL_VISITS or result.status == GREEDY:
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


def run_solver(problem: PlanProblem, settings: SolverSettings) -> ModelResult:
    """The whole model from the greedy plan, or day by day for a large operation; a clear
    error when no plan comes out."""
    if len(problem.visits) > WHOLE_MODEL_VISITS:
        result = solve_by_day(problem, settings)
    else:
        hinted = replace(problem, hint=greedy(problem))
        result = solve_model(hinted, settings)
        if result.status == "UNKNOWN" and hinted.hint is not None:
            result = replace(result, status=GREEDY, chosen=dict(hinted.hint))
    if result.status not in ("OPTIMAL", "FEASIBLE", GREEDY):
        if result.status == "INFEASIBLE":
            raise PlanningError("the locked assignments cannot all be kept together")
        raise PlanningError(
            f"no plan found within {settings.time_limit:g} s (solver: {result.status}); "
            "try a longer --time-limit"
        )
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
