"""What the solver is asked: the visits, teams and rules to plan, and how long to search."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from fieldkit.plan.progress import ProgressCallback, StopSwitch
from fieldkit.plan.rules import Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: visit id -> (team id, start minute): a schedule, whole or in part (locks, hints, plans).
Chosen = dict[str, tuple[str, int]]


@dataclass(frozen=True)
class PlanProblem:
    """The visits to give to teams under the rules, and what is fixed or suggested already.

    `locks` fix (team, start) of some visits; `hint` is a feasible schedule the search starts
    from; `not_before` is, per team, the earliest minute its shift may begin (the rest after
    days already planned) and `not_after` the latest minute it may end (the rest before the
    next day planned); `max_teams`, when set, offers each visit only to its nearest teams.
    """

    visits: list[Visit]
    teams: dict[str, TeamFacts]
    rules: Rules
    locks: Chosen = field(default_factory=dict)
    hint: Chosen | None = None
    not_before: dict[str, int] | None = None
    not_after: dict[str, int] | None = None
    max_teams: int | None = None

    def visit_index(self) -> dict[str, Visit]:
        """The visits by id."""
        return {v.id: v for v in self.visits}

    def days(self) -> list[date]:
        """The days with visits, in time order."""
        return sorted({v.day for v in self.visits})

    def of_day(self, day: date) -> PlanProblem:
        """The same problem narrowed to one day's visits (and that day's locks)."""
        index = self.visit_index()
        locks = {vid: ts for vid, ts in self.locks.items() if index[vid].day == day}
        return replace(self, visits=[v for v in self.visits if v.day == day], locks=locks)


@dataclass(frozen=True)
class SolverSettings:
    """How the solver searches: for how long, from which seed, on how many workers."""

    time_limit: float
    seed: int = 0
    workers: int = 1
    progress: ProgressCallback | None = None
    work_limit: float | None = None  # CP-SAT's deterministic time: same seed, same plan
    stop: StopSwitch | None = None  # pressed: stop and keep the best plan so far

    def within(self, time_limit: float) -> SolverSettings:
        """The same settings with another time limit."""
        return replace(self, time_limit=time_limit)
