"""Greedy plans: the earliest-deadline-first baseline, and a scarcity-first start for the solver."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.rules import Item
from fieldkit.plan.visits import Visit


def _start(problem: PlanProblem, extra: list[Visit] | None) -> tuple[Chosen, dict[str, list[Item]]]:
    """The locks as the first choices, and each team's schedule holding them."""
    chosen: Chosen = dict(problem.locks)
    schedule: dict[str, list[Item]] = {t: [] for t in problem.teams}
    index = {v.id: v for v in [*(extra or []), *problem.visits]}
    for vid, (t, s) in chosen.items():
        schedule[t].append((index[vid], s))
    return chosen, schedule


def greedy(problem: PlanProblem, extra: list[Visit] | None = None) -> Chosen:
    """Visits by window end (then priority): the team that can start it earliest gets it.

    The problem's locks are kept as they are; `extra` are visits (not to plan) that locks may
    refer to.
    """
    visits, teams, rules = problem.visits, problem.teams, problem.rules
    chosen, schedule = _start(problem, extra)
    for visit in sorted(visits, key=lambda v: (v.window[1], -v.priority, v.id)):
        if visit.id in chosen:
            continue
        best: tuple[int, str] | None = None
        for t, team in teams.items():
            if team.missing(visit) or not team.start_spans(visit):
                continue
            start, _ = rules.place(team, visit, schedule[t])
            if start is not None and (best is None or start < best[0]):
                best = (start, t)
        if best is not None:
            chosen[visit.id] = (best[1], best[0])
            schedule[best[1]].append((visit, best[0]))
    return chosen


def scarce_first(problem: PlanProblem, extra: list[Visit] | None = None) -> Chosen:
    """Visits few teams can make (per point of priority) first; each goes to the team with the
    fewest other visits it could make that day (then the shortest trip from base), so versatile
    teams stay free for the visits only they can make. Same arguments as `greedy`.
    """
    visits, teams, rules = problem.visits, problem.teams, problem.rules
    chosen, schedule = _start(problem, extra)
    qualified = {
        v.id: [t for t, team in teams.items() if not team.missing(v) and team.start_spans(v)]
        for v in visits
    }
    load: dict[tuple[str, date], int] = defaultdict(int)
    for v in visits:
        for t in qualified[v.id]:
            load[t, v.day] += 1

    def order(v: Visit) -> tuple[float, int, str]:
        return (len(qualified[v.id]) / max(1, v.priority), v.window[1], v.id)

    for visit in sorted(visits, key=order):
        if visit.id in chosen:
            continue
        best: tuple[tuple[int, int, str], str, int] | None = None
        for t in qualified[visit.id]:
            start, _ = rules.place(teams[t], visit, schedule[t])
            if start is None:
                continue
            key = (load[t, visit.day], rules.travel.minutes(teams[t].base, visit.venue), t)
            if best is None or key < best[0]:
                best = (key, t, start)
        if best is not None:
            chosen[visit.id] = (best[1], best[2])
            schedule[best[1]].append((visit, best[2]))
    return chosen
