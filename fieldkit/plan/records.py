"""A solved plan in memory: assignments, unassigned visits with reasons, the solver's account."""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldkit.plan.visits import TeamFacts, Visit
from fieldkit.playbook.models import Playbook


@dataclass(frozen=True)
class Assignment:
    """A visit given to a team at a time; travel is from the team's previous place that day."""

    visit: str
    team: str
    start: int
    end: int
    travel_min: int
    locked: bool = False


@dataclass
class SolverReport:
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    seed: int
    time_limit: float
    covered_priority: int = 0
    greedy_hint: bool = False
    work: float = 0.0  # CP-SAT's deterministic time, a measure of the search free of the load


@dataclass
class Plan:
    """What `solve` returns and the exports write out."""

    playbook: Playbook
    visits: list[Visit]
    teams: dict[str, TeamFacts]
    assignments: list[Assignment]
    unassigned: dict[str, list[str]]
    solver: SolverReport
    extra: dict[str, object] = field(default_factory=dict)

    def visit(self, visit_id: str) -> Visit:
        return next(v for v in self.visits if v.id == visit_id)

    def of_team(self, team_id: str) -> list[Assignment]:
        return sorted((a for a in self.assignments if a.team == team_id), key=lambda a: a.start)

    @property
    def visit_index(self) -> dict[str, Visit]:
        return {v.id: v for v in self.visits}
