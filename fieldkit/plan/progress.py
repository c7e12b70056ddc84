"""Progress of a solve as it runs: the best objective and bound so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SolveProgress:
    objective: float
    bound: float
    seconds: float
    solutions: int


ProgressCallback = Callable[[SolveProgress], None]
