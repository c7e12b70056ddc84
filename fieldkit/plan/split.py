"""Each day alone: the rest between days dropped, so the days' models are small and separate.

The rest rule is the only constraint linking one day to another. Dropping it relaxes the
problem, so the sum of the days' proven bounds bounds the whole operation; when every day is
solved to OPTIMAL and the days' plans together keep the rest, that union is an optimal plan of
the whole operation (a relaxation's optimum that is feasible is optimal). Otherwise the union
is only a bound, and solve.py goes on with the whole model.

A `DayMemo` keeps days proven OPTIMAL, keyed by everything their model depends on (the
playbook, the day and its locks): a re-solve after a lock or a move re-solves only the days
that changed.
"""

from __future__ import annotations

import hashlib
import time as walltime
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from fieldkit.plan.greedy import greedy
from fieldkit.plan.model import ModelResult, solve_model
from fieldkit.plan.problem import Chosen, PlanProblem, SolverSettings
from fieldkit.plan.progress import SolveProgress
from fieldkit.plan.routing import better_start
from fieldkit.plan.rules import Item

#: Each day may take at least this long (while time is left), however many days remain.
MIN_DAY_SECONDS = 2.0
#: How many proven days a memo keeps (the oldest go first).
MEMO_DAYS = 512


class DayMemo:
    """Days proven OPTIMAL, by a digest of the playbook, the day and that day's locks."""

    def __init__(self) -> None:
        self._days: OrderedDict[str, ModelResult] = OrderedDict()

    def get(self, key: str) -> ModelResult | None:
        """The day's proven result, if kept."""
        found = self._days.get(key)
        if found is not None:
            self._days.move_to_end(key)
        return found

    def put(self, key: str, result: ModelResult) -> None:
        """Keep a day proven OPTIMAL."""
        self._days[key] = result
        while len(self._days) > MEMO_DAYS:
            self._days.popitem(last=False)


@dataclass
class DaysApart:
    """The days solved alone: their plans together, their objectives and bounds summed."""

    chosen: Chosen
    objective: float
    bound: float
    proven: bool  # every day OPTIMAL
    complete: bool  # every day solved (not stopped, not out of time)
    work: float = 0.0  # the searches' deterministic time, summed
    days: set[date] = field(default_factory=set)  # the days solved
    found: int = 0  # the plans found so far, over all days
    began: float = field(default_factory=walltime.monotonic)

    def over(self, problem: PlanProblem, plan: Chosen) -> Chosen:
        """`plan` with the days solved apart replaced by their plans."""
        index = problem.visit_index()
        kept = {vid: ts for vid, ts in plan.items() if index[vid].day not in self.days}
        return {**kept, **self.chosen}


def day_key(book_digest: str, problem: PlanProblem, day: date) -> str:
    """What a day's model depends on: the playbook, the day and its locks."""
    today = problem.of_day(day)
    locks = sorted(today.locks.items())
    return hashlib.sha256(f"{book_digest}|{day}|{locks}".encode()).hexdigest()


def solve_days_apart(
    problem: PlanProblem,
    settings: SolverSettings,
    book_digest: str,
    memo: DayMemo | None = None,
) -> DaysApart:
    """Each day's model alone, smallest first, each from the hint's day (else greedy or the
    router's plan)."""
    began = walltime.monotonic()
    out = DaysApart({}, 0.0, 0.0, True, True)
    days = sorted(problem.days(), key=lambda d: (sum(v.day == d for v in problem.visits), d))
    for n, day in enumerate(days):
        if settings.stop is not None and settings.stop.stopped:
            out.complete = False
            break
        key = day_key(book_digest, problem, day)
        result = memo.get(key) if memo is not None else None
        if result is None:
            left = settings.time_limit - (walltime.monotonic() - began)
            # an even share, but never less than a busy machine needs to start a small model
            share = max(left / (len(days) - n), min(left, MIN_DAY_SECONDS))
            result = _solve_one_day(problem, day, settings, share, out)
            if memo is not None and result.status == "OPTIMAL":
                memo.put(key, replace(result, work=0.0))
        if result.status not in ("OPTIMAL", "FEASIBLE"):
            out.work += result.work
            out.complete = out.proven = False
            break
        out.work += result.work
        out.days.add(day)
        out.chosen.update(result.chosen)
        out.objective += result.objective
        out.bound += result.bound
        out.proven = out.proven and result.status == "OPTIMAL"
    return out


def _solve_one_day(
    problem: PlanProblem,
    day: date,
    settings: SolverSettings,
    share: float,
    done: DaysApart,
) -> ModelResult:
    """One day's model, hinted from the problem's hint on that day, else from the greedy plan
    or the router's (routing.py), whichever is worth more."""
    today = problem.of_day(day)
    ids = {v.id for v in today.visits}
    hint = {vid: ts for vid, ts in (problem.hint or {}).items() if vid in ids}
    if not hint:
        # The router runs to its local optimum (a day here has at most DAY_MODEL_PAIRS pairs:
        # well under a second), so the same day gives the same start, hence the same plan;
        # the day's share only caps it.
        hint = better_start(today, greedy(today), share)
    today = replace(today, hint=hint)
    progress = settings.progress

    def so_far(p: SolveProgress) -> None:
        done.found += 1
        if progress is not None:
            seconds = walltime.monotonic() - done.began
            progress(SolveProgress(done.objective + p.objective, done.bound + p.bound, seconds,
                                   done.found))  # fmt: skip

    day_settings = replace(settings.within(max(share, 0.05)), progress=so_far)
    return solve_model(today, day_settings)


def keeps_rest(problem: PlanProblem, chosen: Chosen) -> bool:
    """Whether each team rests at least the minimum between its shifts on consecutive days."""
    index, rules = problem.visit_index(), problem.rules
    by_team: dict[str, dict[date, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for vid, (t, s) in chosen.items():
        by_team[t][index[vid].day].append((index[vid], s))
    for t, days in by_team.items():
        worked = [sorted(days[d], key=lambda i: i[1]) for d in sorted(days)]
        for first, second in zip(worked, worked[1:], strict=False):
            if rules.rest_rules(problem.teams[t], first, second):
                return False
    return True
