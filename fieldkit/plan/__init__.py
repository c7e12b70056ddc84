"""The planner: Playbook -> Plan with OR-Tools CP-SAT, the independent check, and the exports."""

from __future__ import annotations

import importlib
from typing import Any

#: name -> module; loaded on first use so `plan check` never imports the solver.
_EXPORTS = {
    "check_plan": "check",
    "Lock": "locks",
    "LockError": "locks",
    "read_locks": "locks",
    "SolveProgress": "progress",
    "Assignment": "records",
    "Plan": "records",
    "SolverReport": "records",
    "PlanningError": "solve",
    "check_move": "solve",
    "objective_of": "solve",
    "place_move": "solve",
    "solve": "solve",
    "load_plan_file": "write",
    "write_plan": "write",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'fieldkit.plan' has no attribute {name!r}")
    return getattr(importlib.import_module(f"fieldkit.plan.{_EXPORTS[name]}"), name)
