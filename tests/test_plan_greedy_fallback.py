"""A solver that finds nothing in its time still gives a plan: the greedy one, named so."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.commands import plan as plan_command
from fieldkit.plan.check import check_plan
from fieldkit.plan.constraints import COVER_WEIGHT
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.greedy import greedy
from fieldkit.plan.solve import GREEDY, plan_problem, solve
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def book() -> Playbook:
    return load_playbook(BARNET)


def test_no_search_at_all_gives_the_greedy_plan_which_keeps_every_rule(book: Playbook) -> None:
    plan = solve(book, time_limit=60, work_limit=0.0)
    assert plan.solver.status == GREEDY
    expected = greedy(plan_problem(book, []))
    assert {a.visit: (a.team, a.start) for a in plan.assignments} == expected
    doc = plan_dict(plan, str(BARNET), "0" * 64)
    assert check_plan(doc, book) == []
    every_visit = sum(v.priority for v in plan.visits) * COVER_WEIGHT
    assert plan.solver.bound == every_visit
    assert 0 < plan.solver.objective < plan.solver.bound


def test_a_work_limit_gives_the_same_plan_for_the_same_seed(book: Playbook) -> None:
    first, second = (solve(book, time_limit=600, seed=3, work_limit=0.5) for _ in range(2))
    assert first.solver.status != GREEDY
    assert first.assignments == second.assignments


def test_the_summary_says_the_plan_is_the_greedy_one(
    book: Playbook, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = plan_dict(solve(book, time_limit=60, work_limit=0.0), str(BARNET), "0" * 64)
    plan_command._print_summary(doc, "ops/barnet-2023")
    out = capsys.readouterr().out
    assert "(greedy," in out
    assert "the solver found no plan within 60 s: this is the greedy plan" in out


def test_the_summary_says_the_solver_status_in_romanian(
    book: Playbook, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldkit.i18n import set_language

    doc = plan_dict(solve(book, time_limit=60, work_limit=0.0), str(BARNET), "0" * 64)
    set_language("ro")
    try:
        plan_command._print_summary(doc, "ops/barnet-2023")
    finally:
        set_language(None)
    out = capsys.readouterr().out
    assert "(lacom," in out and "GREEDY" not in out and "greedy" not in out
