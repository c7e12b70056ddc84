"""Ruin and recreate: take a few teams' day apart and put it back together, many times over.

The local search (improve.py) stops where no single move gains; the days' models stop
improving long before their time is up on a large operation. With the time left, this search
picks a day and TEAMS_RUINED teams working it (seeded: the same seed gives the same plan), takes all
their visits that day off them, and puts back, highest priority first, those visits and the
day's unmet ones, each on any team with room for it (in another order of its day if need be).
The result is kept when it covers at least the priority the day covered before (so the search
can cross plateaus); the plan returned is the best one seen, as the objective counts it.
Locked visits stay put: a team whose day has one is never taken apart.
"""

from __future__ import annotations

import random
import time as walltime
from collections.abc import Callable
from datetime import date

from fieldkit.plan.improve import Trial, chosen_of, place_any, qualified_teams
from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.progress import StopSwitch
from fieldkit.plan.rules import Item
from fieldkit.plan.visits import Visit
from fieldkit.plan.worth import team_worth

#: How many teams' day each step takes apart.
TEAMS_RUINED = 3


def ruin_and_recreate(
    problem: PlanProblem,
    chosen: Chosen,
    deadline: float,
    seed: int,
    stop: StopSwitch | None = None,
    steps: int | None = None,
    better: Callable[[Chosen], None] | None = None,
) -> Chosen:
    """A plan covering at least the priority `chosen` covers, searched until `deadline` (or
    the lead stops the search, or after `steps` steps if given); `better` is shown each plan
    that covers more."""
    rng = random.Random(seed)
    index = problem.visit_index()
    qualified = qualified_teams(problem)
    schedule: dict[str, list[Item]] = {t: [] for t in problem.teams}
    for vid, (t, s) in chosen.items():
        schedule[t].append((index[vid], s))
    by_day: dict[date, list[Visit]] = {}
    for v in problem.visits:
        if qualified[v.id]:
            by_day.setdefault(v.day, []).append(v)
    days = sorted(by_day)
    # plateau moves are taken (they let the search move on), but the best plan is returned
    now = float(sum(team_worth(problem, t, items) for t, items in schedule.items()))
    best = (now, dict(chosen))
    done = 0
    while days and walltime.monotonic() < deadline and not (stop and stop.stopped):
        if steps is not None and done >= steps:
            break
        done += 1
        day = rng.choice(days)
        trial = _recreate(problem, schedule, day, by_day[day], qualified, rng)
        if trial is None:
            continue
        for t, items in trial.changed.items():
            now += team_worth(problem, t, items) - team_worth(problem, t, schedule[t])
        schedule.update(trial.changed)
        if now > best[0]:
            best = (now, chosen_of(schedule))
            if better is not None:
                better(best[1])
    return best[1]


def _recreate(
    problem: PlanProblem,
    schedule: dict[str, list[Item]],
    day: date,
    today: list[Visit],
    qualified: dict[str, list[str]],
    rng: random.Random,
) -> Trial | None:
    """Two teams' `day` taken apart and put back with the day's unmet visits; the trial when it
    covers at least the priority of before, else None."""
    locks = problem.locks
    working = [
        t
        for t, items in schedule.items()
        if any(v.day == day for v, _ in items)
        and not any(v.day == day and v.id in locks for v, _ in items)
    ]
    ruined = rng.sample(working, min(TEAMS_RUINED, len(working)))
    trial = Trial(schedule)
    freed: list[Visit] = []
    for t in ruined:
        freed += [v for v, _ in schedule[t] if v.day == day]
        trial.put(t, [i for i in schedule[t] if i[0].day != day])
    placed = {v.id for items in schedule.values() for v, _ in items if v.day == day}
    pool = freed + [v for v in today if v.id not in placed]
    rng.shuffle(pool)
    pool.sort(key=lambda v: -v.priority)
    before = sum(v.priority for v in freed)
    after = 0
    for v in pool:
        if place_any(trial, v, qualified[v.id], problem.teams, problem.rules, locks):
            after += v.priority
    return trial if after >= before else None
