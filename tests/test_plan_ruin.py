"""Ruin and recreate (plan/ruin.py): it keeps every rule, never loses priority, leaves locked
visits where they are, and finds what the local search alone does not."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.greedy import greedy
from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.progress import SolveProgress
from fieldkit.plan.ruin import ruin_and_recreate
from fieldkit.plan.rules import Item
from fieldkit.plan.solve import objective_of, plan_problem, solve
from fieldkit.plan.worth import worth
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from tests.support.one_team import activity, one_team
from tests.support.operations import operations
from tests.support.paths import BARNET

FOREVER = float("inf")


def _priority(problem: PlanProblem, chosen: Chosen) -> int:
    index = problem.visit_index()
    return sum(index[vid].priority for vid in chosen)


def _broken(problem: PlanProblem, chosen: Chosen) -> list[str]:
    index = problem.visit_index()
    out = []
    for t, team in problem.teams.items():
        items: list[Item] = sorted(
            ((index[vid], s) for vid, (tt, s) in chosen.items() if tt == t), key=lambda i: i[1]
        )
        out += [str(b) for b in problem.rules.team_rules(team, items)]
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations(), st.integers(0, 3), st.booleans())
def test_it_keeps_every_rule_and_the_locks(playbook: Playbook, seed: int, lock: bool) -> None:
    problem = plan_problem(playbook, [])
    start = greedy(problem)
    if lock and start:
        vid = sorted(start)[0]
        problem = PlanProblem(problem.visits, problem.teams, problem.rules, {vid: start[vid]})
    after = ruin_and_recreate(problem, start, FOREVER, seed, steps=60)
    assert _broken(problem, after) == []
    assert _priority(problem, after) >= _priority(problem, start)
    for vid, where in problem.locks.items():
        assert after[vid] == where


def test_it_fills_a_thinned_plan_of_barnet_again() -> None:
    problem = plan_problem(load_playbook(BARNET), [])
    full = greedy(problem)
    start = {vid: where for n, (vid, where) in enumerate(sorted(full.items())) if n % 2}
    after = ruin_and_recreate(problem, start, FOREVER, 0, steps=300)
    assert _broken(problem, after) == []
    assert _priority(problem, after) > _priority(problem, start)
    # from nothing too, and the same seed gives the same plan
    empty = ruin_and_recreate(problem, {}, FOREVER, 0, steps=300)
    assert _broken(problem, empty) == [] and _priority(problem, empty) > 0
    assert ruin_and_recreate(problem, {}, FOREVER, 0, steps=300) == empty


def _two_or_one_long() -> PlanProblem:
    # A and B (priority 2 each) or the long U (priority 3) that leaves room for neither
    playbook = one_team(
        [
            activity(0, "v0", "09:00", "10:30", 60, 2),
            activity(1, "v1", "11:00", "12:00", 60, 2),
            activity(2, "v2", "09:00", "12:00", 150, 3),
        ]
    )
    return plan_problem(playbook, [])


def test_a_day_put_back_worse_is_not_kept() -> None:
    problem = _two_or_one_long()
    a, b, _ = problem.visits
    start = {a.id: ("t", a.window[0]), b.id: ("t", b.window[0])}
    after = ruin_and_recreate(problem, start, FOREVER, 0, steps=50)
    assert after.keys() == start.keys()


def test_a_team_with_a_locked_visit_that_day_is_not_taken_apart() -> None:
    problem = _two_or_one_long()
    a, b, _ = problem.visits
    late = a.window[1] - a.duration  # not where a re-placed A would go (its earliest)
    locked = PlanProblem(problem.visits, problem.teams, problem.rules, {a.id: ("t", late)})
    start = {a.id: ("t", late), b.id: ("t", b.window[0])}
    assert ruin_and_recreate(locked, start, FOREVER, 0, steps=50) == start


def test_a_large_solve_under_a_work_limit_gives_the_same_plan_for_the_same_seed() -> None:
    book = load_playbook(BARNET)
    with mock.patch("fieldkit.plan.solve.WHOLE_MODEL_VISITS", 0):
        first, second = (solve(book, time_limit=600, seed=2, work_limit=0.3) for _ in range(2))
    assert first.assignments == second.assignments
    assert check_plan(plan_dict(first, "playbooks/barnet.yaml", "0" * 64), book) == []


def test_a_large_solve_shows_each_better_plan_at_its_worth() -> None:
    book = load_playbook(BARNET)
    shown: list[SolveProgress] = []
    with mock.patch("fieldkit.plan.solve.WHOLE_MODEL_VISITS", 0):
        plan = solve(book, time_limit=600, seed=0, work_limit=0.3, progress=shown.append)
    problem = plan_problem(book, [])
    assert len(shown) > len(problem.days())  # after the days, the searches across them
    assert [p.solutions for p in shown] == list(range(1, len(shown) + 1))
    chosen = {a.visit: (a.team, a.start) for a in plan.assignments}
    assert worth(problem, chosen) == objective_of(plan)
    assert shown[-1].objective <= objective_of(plan)
