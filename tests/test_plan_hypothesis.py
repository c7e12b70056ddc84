"""Small random playbooks: every plan passes the check; an OPTIMAL plan matches brute force."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.model import COVER_WEIGHT
from fieldkit.plan.solve import objective_of, solve
from fieldkit.playbook.models import Playbook
from tests.support.random_playbooks import brute_force, playbooks


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(playbooks())
def test_solver_plans_pass_check_and_match_brute_force(playbook: Playbook) -> None:
    plan = solve(playbook, time_limit=2, seed=1)
    doc = plan_dict(plan, "playbooks/h.yaml", "0" * 64)
    assert check_plan(doc, playbook) == []
    assert all(reasons for reasons in plan.unassigned.values())
    if plan.solver.status == "OPTIMAL":
        assert objective_of(plan) == round(plan.solver.objective)
        covered = (round(plan.solver.objective) + COVER_WEIGHT // 2) // COVER_WEIGHT
        assert covered == plan.solver.covered_priority == brute_force(playbook)
