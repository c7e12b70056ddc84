"""Re-solving from the previous plan: locks kept, never worse than the hint, stoppable, and
the days already proven taken as they are."""

from __future__ import annotations

from datetime import date

import pytest

from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.progress import SolveProgress, StopSwitch
from fieldkit.plan.records import Plan
from fieldkit.plan.session import locks_of, move, toggle_lock
from fieldkit.plan.solve import objective_of, plan_problem, solve
from fieldkit.plan.split import DayMemo, keeps_rest
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from tests.support.paths import BARNET

#: Generous wall-clock caps; the deterministic work limit ends the searches.
LIMITS = {"time_limit": 600.0, "work_limit": 2.0, "seed": 0}


@pytest.fixture(scope="module")
def book() -> Playbook:
    return load_playbook(BARNET)


@pytest.fixture(scope="module")
def first(book: Playbook) -> Plan:
    return solve(book, **LIMITS)  # type: ignore[arg-type]


def chosen(plan: Plan) -> dict[str, tuple[str, int]]:
    return {a.visit: (a.team, a.start) for a in plan.assignments}


def valid(plan: Plan, book: Playbook) -> None:
    assert check_plan(plan_dict(plan, str(BARNET), "0" * 64), book) == []


def moved_plan(first: Plan) -> Plan:
    """The first plan with one visit moved to another team (and so locked), one more locked."""
    for a in first.assignments:
        for t in first.teams:
            if t != a.team and (m := move(first, a.visit, t)[0]) is not None:
                other = next(b.visit for b in m.assignments if b.visit != a.visit)
                return toggle_lock(m, other)
    raise AssertionError("no visit of Barnet can move to another team")


def test_the_days_apart_prove_barnet_optimal(first: Plan, book: Playbook) -> None:
    assert first.solver.status == "OPTIMAL"
    assert first.solver.objective == first.solver.bound == objective_of(first)
    assert keeps_rest(plan_problem(book, []), chosen(first))
    valid(first, book)


def test_a_hinted_re_solve_keeps_the_locks_and_is_no_worse_than_its_hint(
    first: Plan, book: Playbook
) -> None:
    start = moved_plan(first)
    locks = locks_of(start)
    assert len(locks) == 2
    again = solve(book, locks=locks, hint=chosen(start), **LIMITS)  # type: ignore[arg-type]
    for lock in locks:
        assert chosen(again)[lock.visit] == (lock.team, lock.start)
    assert objective_of(again) >= objective_of(start)
    assert {a.visit for a in again.assignments if a.locked} == {k.visit for k in locks}
    valid(again, book)


def test_a_stop_before_the_search_keeps_the_previous_plan(first: Plan, book: Playbook) -> None:
    start = moved_plan(first)
    switch = StopSwitch()
    switch.press()
    again = solve(book, locks=locks_of(start), hint=chosen(start), stop=switch, **LIMITS)  # type: ignore[arg-type]
    assert chosen(again) == chosen(start)
    assert again.solver.status == "FEASIBLE"
    assert again.solver.objective == objective_of(start)
    valid(again, book)


def test_a_stop_mid_search_keeps_a_valid_plan_at_least_the_greedy_one(book: Playbook) -> None:
    switch = StopSwitch()
    seen: list[SolveProgress] = []

    def progress(p: SolveProgress) -> None:
        seen.append(p)
        switch.press()  # at the first plan found

    plan = solve(book, stop=switch, progress=progress, **LIMITS)  # type: ignore[arg-type]
    assert seen
    assert plan.solver.status != "OPTIMAL"
    valid(plan, book)
    stopped_work = plan.solver.work
    assert stopped_work < solve(book, **LIMITS).solver.work  # type: ignore[arg-type]


def test_a_memo_re_solves_only_the_day_that_changed(first: Plan, book: Playbook) -> None:
    memo = DayMemo()
    solve(book, memo=memo, **LIMITS)  # type: ignore[arg-type]
    again = solve(book, memo=memo, **LIMITS)  # type: ignore[arg-type]
    assert again.solver.work == 0.0  # every day proven before
    assert chosen(again) == chosen(solve(book, **LIMITS))  # type: ignore[arg-type]
    day = date(2023, 9, 28)
    visit = next(a.visit for a in first.assignments if first.visit_index[a.visit].day == day)
    locked = toggle_lock(first, visit)
    after = solve(book, locks=locks_of(locked), hint=chosen(locked), memo=memo, **LIMITS)  # type: ignore[arg-type]
    assert 0 < after.solver.work
    assert chosen(after)[visit] == chosen(first)[visit]


def test_the_rest_between_days_is_checked(first: Plan, book: Playbook) -> None:
    problem = plan_problem(book, [])
    plan = chosen(first)
    team, days = next(
        (t, sorted({first.visit_index[a.visit].day for a in first.of_team(t)}))
        for t in first.teams
        if len({first.visit_index[a.visit].day for a in first.of_team(t)}) >= 2
    )
    late = [a for a in first.of_team(team) if first.visit_index[a.visit].day == days[0]][-1]
    early = [a for a in first.of_team(team) if first.visit_index[a.visit].day == days[1]][0]
    gap = early.start - late.end
    assert keeps_rest(problem, plan)
    # the first day's last visit as late as the rest would need to be broken
    plan[late.visit] = (team, late.start + gap - problem.rules.rest_minutes + 60)
    assert not keeps_rest(problem, plan)
