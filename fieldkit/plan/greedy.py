"""The baseline: earliest deadline first, each visit to the first team that can take it."""

from __future__ import annotations

from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit


def greedy(
    visits: list[Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    locks: dict[str, tuple[str, int]] | None = None,
    extra: list[Visit] | None = None,
) -> dict[str, tuple[str, int]]:
    """Visits by window end (then priority): the team that can start it earliest gets it.

    `locks` are kept as they are; `extra` are visits (not to plan) that locks may refer to.
    """
    chosen: dict[str, tuple[str, int]] = dict(locks or {})
    schedule: dict[str, list[Item]] = {t: [] for t in teams}
    index = {v.id: v for v in [*(extra or []), *visits]}
    for vid, (t, s) in chosen.items():
        schedule[t].append((index[vid], s))
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
