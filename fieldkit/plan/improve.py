"""A local search over a whole plan: make room for an unmet visit by moving others.

For each unmet visit (highest priority first) and each team that could make it, the search
tries taking one of that team's visits that day off it (or all of them), putting the unmet
visit in, re-placing what came off on other teams, and filling the freed time with other unmet
visits of that day. A change is kept only when the priority covered grows, and every placement
goes through `Rules.place`, so each hard rule (rest between days included) still holds. The
search is deterministic: it stops when a pass changes nothing, or at the deadline.
"""

from __future__ import annotations

import time as walltime

from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.resequence import resequence
from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit

#: At most this many passes over the unmet visits.
MAX_PASSES = 5


class Trial:
    """Tentative schedules on top of the current ones; `commit` applies them."""

    def __init__(self, schedule: dict[str, list[Item]]) -> None:
        self.base = schedule
        self.changed: dict[str, list[Item]] = {}

    def items(self, t: str) -> list[Item]:
        return self.changed.get(t, self.base[t])

    def put(self, t: str, items: list[Item]) -> None:
        self.changed[t] = items


def place_any(
    trial: Trial,
    visit: Visit,
    candidates: list[str],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: Chosen,
) -> bool:
    """Put `visit` on the first candidate team with room for it as its day stands, else on
    the first whose day, in another order, makes room (`resequence`; not a day with locks)."""
    for t in candidates:
        start, _ = rules.place(teams[t], visit, trial.items(t))
        if start is not None:
            trial.put(t, [*trial.items(t), (visit, start)])
            return True
    for t in candidates:
        today = [i for i in trial.items(t) if i[0].day == visit.day]
        if any(v.id in locks for v, _ in today):
            continue
        others = [i for i in trial.items(t) if i[0].day != visit.day]
        order = resequence(rules, teams[t], [*(v for v, _ in today), visit], others)
        if order is not None:
            trial.put(t, [*others, *order])
            return True
    return False


def qualified_teams(problem: PlanProblem) -> dict[str, list[str]]:
    """visit id -> the teams with its skills and partners and time in its window, by id."""
    teams = sorted(problem.teams.items())
    return {
        v.id: [t for t, team in teams if not team.missing(v) and team.start_spans(v)]
        for v in problem.visits
    }


def improve(problem: PlanProblem, chosen: Chosen, deadline: float) -> Chosen:
    """A plan covering at least the priority `chosen` covers (locked visits stay put)."""
    visits, teams, rules, locks = problem.visits, problem.teams, problem.rules, problem.locks
    schedule: dict[str, list[Item]] = {t: [] for t in teams}
    index = {v.id: v for v in visits}
    for vid, (t, s) in chosen.items():
        schedule[t].append((index[vid], s))
    qualified = qualified_teams(problem)
    assigned = set(chosen)
    for _ in range(MAX_PASSES):
        changed = False
        unmet = sorted(
            (v for v in visits if v.id not in assigned and qualified[v.id]),
            key=lambda v: (-v.priority, v.window[0], v.id),
        )
        for visit in unmet:
            if walltime.monotonic() > deadline:
                return chosen_of(schedule)
            if visit.id in assigned:
                continue
            best = _best_move(visit, schedule, assigned, qualified, teams, rules, locks, index)
            if best is not None:
                for t, items in best.changed.items():
                    schedule[t] = items
                assigned = {v.id for items in schedule.values() for v, _ in items}
                changed = True
        if not changed:
            break
    return chosen_of(schedule)


def chosen_of(schedule: dict[str, list[Item]]) -> Chosen:
    """visit id -> (team, start) of every visit in `schedule`."""
    return {v.id: (t, s) for t, items in schedule.items() for v, s in items}


def _best_move(
    visit: Visit,
    schedule: dict[str, list[Item]],
    assigned: set[str],
    qualified: dict[str, list[str]],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: Chosen,
    index: dict[str, Visit],
) -> Trial | None:
    """The move that covers `visit` and gains the most priority (None if none gains)."""
    trial = Trial(schedule)
    if place_any(trial, visit, qualified[visit.id], teams, rules, locks):
        return trial
    same_day = [
        v
        for v in index.values()
        if v.day == visit.day and v.id not in assigned and v.id != visit.id and qualified[v.id]
    ]
    best: tuple[int, Trial] | None = None
    for t in qualified[visit.id]:
        mine = [i for i in schedule[t] if i[0].day == visit.day and i[0].id not in locks]
        mine.sort(key=lambda i: i[1])
        removals = [[i] for i in mine]
        removals += [list(p) for p in zip(mine, mine[1:], strict=False)]
        if len(mine) > 2:
            removals.append(mine)
        for out in removals:
            gone = {v.id for v, _ in out}
            kept = [i for i in schedule[t] if i[0].id not in gone]
            start, _ = rules.place(teams[t], visit, kept)
            if start is None:
                continue
            trial = Trial(schedule)
            trial.put(t, [*kept, (visit, start)])
            gain = visit.priority
            for v, _ in sorted(out, key=lambda i: (-i[0].priority, i[0].id)):
                others = [u for u in qualified[v.id] if u != t]
                if not place_any(trial, v, others, teams, rules, locks) and not place_any(
                    trial, v, [t], teams, rules, locks
                ):
                    gain -= v.priority
            for v in sorted(same_day, key=lambda v: (-v.priority, v.id)):
                if t in qualified[v.id] and place_any(trial, v, [t], teams, rules, locks):
                    gain += v.priority
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, trial)
    return best[1] if best else None
