"""The CP-SAT model: which team makes which visit when, keeping every hard rule."""

from __future__ import annotations

import time as walltime
from dataclasses import dataclass

from ortools.sat.python import cp_model

from fieldkit.plan.constraints import COVER_WEIGHT, NORMAL_SHIFT_MINUTES, PlanModel, build_model
from fieldkit.plan.hint import add_hint
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.progress import ProgressCallback, SolveProgress, StopSwitch

__all__ = [
    "COVER_WEIGHT",
    "EXTRA_PARAMS",
    "LIGHT_LP_MAX_ARCS",
    "NORMAL_SHIFT_MINUTES",
    "SYMMETRY_MAX_ARCS",
    "ModelResult",
    "solve_model",
]

#: Symmetry detection pays on small models (Barnet); big ones skip probing instead.
SYMMETRY_MAX_ARCS = 20_000
#: A one-day model of up to this many arcs (a day of Barnet) proves optimality with the lighter
#: linear relaxation (level 1) in a third of level 2's work; larger models and models of
#: several days (the rest between them) keep level 2's cuts.
LIGHT_LP_MAX_ARCS = 1_000
EXTRA_PARAMS: dict[str, object] = {}


@dataclass
class ModelResult:
    status: str
    objective: float
    bound: float
    seconds: float
    chosen: Chosen  # visit id -> (team id, start minute)
    work: float = 0.0  # CP-SAT's deterministic time: the search's work, whatever the load


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: ProgressCallback | None, stop: StopSwitch | None) -> None:
        super().__init__()
        self.progress = progress
        self.stop = stop
        self.count = 0
        self.started = walltime.monotonic()

    def on_solution_callback(self) -> None:
        self.count += 1
        if self.stop is not None and self.stop.stopped:
            self.stop_search()
        if self.progress is not None:
            self.progress(
                SolveProgress(
                    self.ObjectiveValue(),
                    self.BestObjectiveBound(),
                    walltime.monotonic() - self.started,
                    self.count,
                )
            )


def solve_model(problem: PlanProblem, settings: SolverSettings) -> ModelResult:
    """Build and solve; the problem's locks are kept, its hint seeds the search."""
    plan = build_model(problem)
    if problem.hint:
        add_hint(plan, problem.hint)
    solver = solver_for(plan, settings)
    began = walltime.monotonic()
    stop = settings.stop
    if stop is None:
        code = solver.solve(plan.model, _Reporter(settings.progress, None))
    elif stop.stopped:
        return ModelResult("UNKNOWN", 0.0, 0.0, 0.0, {})
    else:
        solver.best_bound_callback = lambda _: solver.stop_search() if stop.stopped else None
        stop.watch(solver)
        try:
            code = solver.solve(plan.model, _Reporter(settings.progress, stop))
        finally:
            stop.forget(solver)
    seconds = walltime.monotonic() - began
    return read_result(plan, solver, code, seconds)


def solver_for(plan: PlanModel, settings: SolverSettings) -> cp_model.CpSolver:
    """A solver with the settings' limits and the parameters that pay on this model's size."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = settings.time_limit
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    if settings.work_limit is not None:
        solver.parameters.max_deterministic_time = settings.work_limit
    light = len(plan.legs) <= LIGHT_LP_MAX_ARCS and len(plan.problem.days()) == 1
    solver.parameters.linearization_level = 1 if light else 2
    # Probing costs a quarter of a day's work on Barnet and prunes little on these models.
    solver.parameters.cp_model_probing_level = 0
    if len(plan.legs) <= SYMMETRY_MAX_ARCS:
        solver.parameters.symmetry_level = 4
    for key, value in EXTRA_PARAMS.items():
        setattr(solver.parameters, key, value)
    return solver


def read_result(
    plan: PlanModel, solver: cp_model.CpSolver, code: cp_model.CpSolverStatus, seconds: float
) -> ModelResult:
    """The status, objective, bound and chosen (team, start) of each visit the solver found."""
    status = solver.status_name(code)
    chosen: Chosen = {}
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = solver.best_objective_bound if code == cp_model.UNKNOWN else 0.0
        return ModelResult(status, 0.0, bound, seconds, chosen, solver.deterministic_time)
    for (vid, t), lit in plan.assigned.items():
        if solver.boolean_value(lit):
            chosen[vid] = (t, solver.value(plan.start[vid]))
    objective, bound = solver.objective_value, solver.best_objective_bound
    return ModelResult(status, objective, bound, seconds, chosen, solver.deterministic_time)
