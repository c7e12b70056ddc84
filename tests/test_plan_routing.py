"""The router's first plan of a day (plan/routing.py): it keeps every rule, its worth is the
model's objective, and it only replaces a start that is worth less."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from fieldkit.plan.greedy import greedy
from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.records import SolverReport
from fieldkit.plan.routing import better_start, route_day, worth
from fieldkit.plan.rules import Item
from fieldkit.plan.solve import make_plan, objective_of, plan_problem
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from tests.support.random_playbooks import playbooks

BARNET = Path(__file__).resolve().parent.parent / "playbooks" / "barnet-week-of-action.yaml"


def _broken(problem: PlanProblem, chosen: Chosen) -> list[str]:
    """Every rule `chosen` breaks, team by team, and the visits it gives a team that may not
    make them."""
    index = problem.visit_index()
    by_team: dict[str, list[Item]] = defaultdict(list)
    out = []
    for vid, (t, s) in chosen.items():
        by_team[t].append((index[vid], s))
        out += [str(b) for b in problem.rules.visit_rules(problem.teams[t], index[vid], s)]
    for t, items in by_team.items():
        items.sort(key=lambda i: i[1])
        out += [str(b) for b in problem.rules.team_rules(problem.teams[t], items)]
    return out


def _objective(playbook: Playbook, problem: PlanProblem, chosen: Chosen) -> int:
    report = SolverReport("X", 0, 0, 0, 0, 0, 0)
    plan = make_plan(playbook, problem.visits, problem.teams, problem.rules, chosen, report)
    return objective_of(plan)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(playbooks())
def test_the_routed_plan_keeps_every_rule_and_is_worth_its_objective(playbook: Playbook) -> None:
    problem = plan_problem(playbook, [])
    routed = route_day(problem, 0.05)
    if routed is None:
        return
    assert _broken(problem, routed) == []
    assert worth(problem, routed) == _objective(playbook, problem, routed)
    start = greedy(problem)
    kept = better_start(problem, start, 0.05)
    assert worth(problem, kept) >= worth(problem, start)


def test_barnet_busiest_day_routes_better_than_greedy_and_keeps_a_lock() -> None:
    playbook = load_playbook(BARNET)
    problem = plan_problem(playbook, [])
    busiest = max(problem.days(), key=lambda d: sum(v.day == d for v in problem.visits))
    today = problem.of_day(busiest)
    routed = route_day(today, 0.2)
    assert routed is not None and _broken(today, routed) == []
    assert worth(today, routed) > worth(today, greedy(today))
    # a lock on another team at its window's end is kept as it is
    visit = today.visits[0]
    others = [t for t in sorted(today.teams) if t != routed.get(visit.id, ("",))[0]]
    team = next(t for t in others if not today.teams[t].missing(visit)
                and today.teams[t].start_spans(visit))  # fmt: skip
    at = today.teams[team].start_spans(visit)[-1][1]
    locked = route_day(
        PlanProblem(today.visits, today.teams, today.rules, {visit.id: (team, at)}), 0.2
    )
    assert locked is not None and locked[visit.id] == (team, at)
    assert _broken(today, locked) == []
