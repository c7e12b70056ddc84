"""A team's day in another order (plan/resequence.py): it finds an order whenever one exists,
what it returns keeps every rule, and the local search uses it to fit one more visit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from fieldkit.plan.improve import improve
from fieldkit.plan.problem import PlanProblem
from fieldkit.plan.resequence import resequence
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import all_team_facts, expand_visits
from fieldkit.playbook.models import Playbook
from tests.support.one_team import activity, one_team
from tests.support.random_playbooks import _feasible, playbooks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(playbooks())
def test_an_order_is_found_exactly_when_one_exists(playbook: Playbook) -> None:
    # the random playbooks have no hours limit and no rest: any order that fits the windows,
    # the members' availability and the travel is a day that keeps every rule
    visits, teams, rules = expand_visits(playbook), all_team_facts(playbook), Rules(playbook)
    for team in teams.values():
        mine = [v for v in visits if not team.missing(v) and team.start_spans(v)][:4]
        found = resequence(rules, team, mine, [])
        assert (found is not None) == (bool(mine) and _feasible(team, mine, rules))
        if found is not None:
            assert sorted(v.id for v, _ in found) == sorted(v.id for v in mine)
            assert rules.team_rules(team, found) == []


def _before_the_other() -> Playbook:
    # v1's short morning window is free only if the long one's visit moves after it
    return one_team(
        [
            activity(0, "v0", "09:00", "13:00", 60, 1),
            activity(1, "v1", "09:00", "09:45", 30, 3),
        ]
    )


def test_a_visit_fits_by_going_first() -> None:
    playbook = _before_the_other()
    visits, teams, rules = expand_visits(playbook), all_team_facts(playbook), Rules(playbook)
    long, short = visits
    start, _ = rules.place(teams["t"], short, [(long, long.window[0])])
    assert start is None  # where the long visit stands, there is no room
    found = resequence(rules, teams["t"], [long, short], [])
    assert found is not None and [v.id for v, _ in found] == [short.id, long.id]
    assert rules.team_rules(teams["t"], found) == []
    problem = PlanProblem(visits, teams, rules)
    better = improve(problem, {long.id: ("t", long.window[0])}, deadline=float("inf"))
    assert better.keys() == {long.id, short.id}


def test_a_locked_day_is_not_reordered() -> None:
    playbook = _before_the_other()
    visits, teams, rules = expand_visits(playbook), all_team_facts(playbook), Rules(playbook)
    long, _ = visits
    locked = {long.id: ("t", long.window[0])}
    problem = PlanProblem(visits, teams, rules, locks=locked)
    assert improve(problem, dict(locked), deadline=float("inf")) == locked


def test_an_order_that_breaks_the_hours_limit_is_not_taken() -> None:
    playbook = one_team(
        [
            activity(0, "v0", "09:00", "10:00", 60, 1),
            activity(1, "v1", "09:00", "13:00", 60, 1),
        ]
    )
    short_day = playbook.rules.model_copy(update={"max_hours_per_day": 2})
    for book, fits in [(playbook, True), (playbook.model_copy(update={"rules": short_day}), False)]:
        visits, teams, rules = expand_visits(book), all_team_facts(book), Rules(book)
        found = resequence(rules, teams["t"], visits, [])
        assert (found is not None) == fits
