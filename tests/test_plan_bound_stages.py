"""The bound's later stages: the travel between a team's visits, the rest between days, and the
bound computed on the other core. Each must stay a bound (never below a proven optimum) and
each must be tighter than the stage before where the plan cannot do better."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings

from fieldkit.plan import bound_aside
from fieldkit.plan.bound import day_bound
from fieldkit.plan.bound_aside import BoundAside
from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.model import COVER_WEIGHT
from fieldkit.plan.operation_bound import relaxed_bound, rest_bound
from fieldkit.plan.problem import PlanProblem, SolverSettings
from fieldkit.plan.progress import SolveProgress, StopSwitch
from fieldkit.plan.rolling import _with_bound, rest_limits, solve_day
from fieldkit.plan.rules import Rules
from fieldkit.plan.solve import objective_of, plan_problem, solve
from fieldkit.plan.visits import all_team_facts, expand_visits
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from tests.support.one_team import activity, one_team
from tests.support.operations import operations, whole_optimum
from tests.support.paths import BARNET


def _problem(playbook: Playbook) -> PlanProblem:
    return PlanProblem(expand_visits(playbook), all_team_facts(playbook), Rules(playbook))


def _three_around() -> Playbook:
    # 30 min at each of three venues, all in 09:00-10:50: the visits fit the window with the
    # 7-minute halves around them (3 x 44 min), not with the 11 minutes between venues.
    return one_team([activity(i, f"v{i}", "09:00", "10:50", 30, 1) for i in range(3)])


def _late_then_early() -> Playbook:
    # 21:00 at the earliest back from the late visit, then 11 h of rest: too late for 07:53.
    return one_team(
        [
            activity(0, "v0", "20:00", "22:00", 60, 5, "2024-06-03"),
            activity(1, "v1", "07:00", "08:00", 30, 4, "2024-06-04"),
        ],
        days=2,
    )


def test_the_travel_between_visits_tightens_a_day() -> None:
    problem = _problem(_three_around())
    loose, proven = day_bound(problem, SolverSettings(5))
    assert proven and 2 * COVER_WEIGHT < loose <= 3 * COVER_WEIGHT
    exact, proven = day_bound(problem, SolverSettings(5), cap=loose, exact=True)
    assert proven and COVER_WEIGHT < exact <= 2 * COVER_WEIGHT
    assert relaxed_bound(problem, SolverSettings(5)) == exact
    plan = solve(_three_around(), time_limit=5)
    assert plan.solver.status == "OPTIMAL" and plan.solver.covered_priority == 2
    assert plan.solver.objective <= exact


def test_the_rest_between_days_tightens_the_sum_of_days() -> None:
    problem = _problem(_late_then_early())
    days = {d: day_bound(problem.of_day(d), SolverSettings(5))[0] for d in problem.days()}
    assert sum(days.values()) > 8 * COVER_WEIGHT  # each day alone: both visits
    rested = rest_bound(problem, days, SolverSettings(5))
    assert 4 * COVER_WEIGHT < rested <= 5 * COVER_WEIGHT
    assert relaxed_bound(problem, SolverSettings(5)) == rested
    plan = solve(_late_then_early(), time_limit=5)
    assert plan.solver.covered_priority == 5
    assert plan.solver.objective <= rested


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations())
def test_every_stage_stays_at_or_above_thewhole_optimum(playbook: Playbook) -> None:
    best = whole_optimum(playbook)
    if best is None:
        return
    problem = plan_problem(playbook, [])
    days = {d: day_bound(problem.of_day(d), SolverSettings(2))[0] for d in problem.days()}
    assert sum(days.values()) >= best
    exact = {
        d: day_bound(problem.of_day(d), SolverSettings(2), cap=b, exact=True)[0]
        for d, b in days.items()
    }
    assert all(exact[d] <= days[d] for d in days) and sum(exact.values()) >= best
    rested = rest_bound(problem, exact, SolverSettings(2))
    assert best <= rested <= sum(exact.values())
    assert relaxed_bound(problem, SolverSettings(3)) >= best


def test_the_bound_aside_is_the_bound_in_process() -> None:
    problem = _problem(_late_then_early())
    aside = BoundAside.start(problem, SolverSettings(6))
    assert aside is not None
    assert aside.result() == relaxed_bound(problem, SolverSettings(6))
    assert aside.process.poll() is not None  # ended


def test_a_stopped_search_does_not_wait_for_the_bound() -> None:
    problem = plan_problem(_late_then_early(), [])
    aside = BoundAside.start(problem, SolverSettings(30))
    assert aside is not None
    found = aside.result(wait=False)  # asked at once: nothing yet, and the process is ended
    assert found is None
    assert aside.process.poll() is not None


def test_the_bound_stays_in_process_on_one_core_or_a_short_limit() -> None:
    problem = _problem(_late_then_early())
    assert BoundAside.start(problem, SolverSettings(bound_aside.ASIDE_MIN_SECONDS / 2)) is None
    with mock.patch.object(bound_aside, "_cores", return_value=1):
        assert BoundAside.start(problem, SolverSettings(10)) is None


def test_a_day_keeps_the_rest_before_the_next_day_planned() -> None:
    problem = _problem(_late_then_early())
    first, second = problem.days()
    early = next(v for v in problem.visits if v.day == second)
    late = next(v for v in problem.visits if v.day == first)
    others = {early.id: ("t", early.window[0])}
    not_before, not_after = rest_limits(problem, others, first)
    begin = early.window[0] - problem.rules.travel.minutes("base", early.venue)
    assert not_before == {} and not_after == {"t": begin - problem.rules.rest_minutes}
    # the late visit would end its shift after that: the day plans without it
    assert solve_day(problem, first, others, SolverSettings(5)).chosen == {}
    assert late.id not in solve_day(problem, first, others, SolverSettings(5)).chosen
    assert solve_day(problem, first, {}, SolverSettings(5)).chosen.keys() == {late.id}


def test_a_stopped_large_solve_keeps_a_valid_plan_under_a_valid_bound() -> None:
    playbook = load_playbook(BARNET)
    switch = StopSwitch()
    with mock.patch("fieldkit.plan.solve.WHOLE_MODEL_VISITS", 0):
        plan = solve(playbook, time_limit=30, progress=lambda _: switch.press(), stop=switch)
    assert switch.stopped and plan.solver.status == "FEASIBLE"
    assert check_plan(plan_dict(plan, "playbooks/barnet.yaml", "0" * 64), playbook) == []
    assert plan.assignments and objective_of(plan) <= plan.solver.bound


def test_progress_carries_the_best_bound_known() -> None:
    told: list[SolveProgress] = []
    _with_bound(told.append, None, 5.0)(SolveProgress(1.0, 0.0, 0.1, 1))
    assert told[-1].bound == 5.0  # the bound computed first, in process
    problem = _problem(_late_then_early())
    aside = BoundAside.start(problem, SolverSettings(6))
    assert aside is not None
    _with_bound(told.append, aside, 0.0)(SolveProgress(1.0, 0.0, 0.1, 2))
    assert told[-1].bound in (0.0, aside.best)  # none yet, or the first stage's
    final = aside.result()
    assert final is not None and aside.peek() == final
    _with_bound(told.append, aside, 0.0)(SolveProgress(1.0, 0.0, 0.2, 3))
    assert told[-1].bound == final
