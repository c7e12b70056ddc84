"""Small random operations over several days: solving the days apart (plan/split.py) gives the
whole model's optimal objective.

split.py relies on the rest between days being the only constraint that links one day to
another: its days' bounds must bound the whole model, and when its days' plans keep the rest
their union must be optimal. A new cross-day rule that split.py does not know breaks this.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from fieldkit.plan.problem import SolverSettings
from fieldkit.plan.solve import objective_of, plan_problem, solve
from fieldkit.plan.split import keeps_rest, solve_days_apart
from fieldkit.playbook.models import Playbook
from tests.support.operations import operations, whole_optimum


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations())
def test_days_apart_give_the_whole_models_optimum(playbook: Playbook) -> None:
    best = whole_optimum(playbook)
    if best is None:
        return
    problem = plan_problem(playbook, [])
    apart = solve_days_apart(problem, SolverSettings(20, seed=0), "")
    # the days apart relax the whole model: their bounds, summed, are never below its optimum
    assert apart.complete
    assert apart.bound >= best
    if apart.proven and keeps_rest(problem, apart.chosen):
        assert apart.objective == best
    plan = solve(playbook, time_limit=20, seed=0)
    assert plan.solver.status == "OPTIMAL"
    assert objective_of(plan) == round(best)
