"""A team's day in another order: room for one more visit when adding it at the end of a gap
does not fit, but visiting the day's places in another order (or at other times) does.

A small depth-first search over the order of one team-day's visits (a handful), each at its
earliest start after the previous visit and the travel, then each as late as the next allows
(a shorter shift); the first order that keeps every rule (`Rules.team_rules`, the rest to the
team's other days included) is taken. The search gives up after MAX_STEPS steps.
"""

from __future__ import annotations

from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import Span, TeamFacts, Visit

#: The search's steps (visits placed) before it gives up on a team-day.
MAX_STEPS = 300
#: Team-days with more visits than this are not re-ordered.
MAX_VISITS = 7


def _earliest(spans: list[Span], ready: int) -> int | None:
    """The first start at or after `ready` inside `spans`, if any."""
    for lo, hi in spans:
        if max(lo, ready) <= hi:
            return max(lo, ready)
    return None


def _latest(spans: list[Span], by: int) -> int | None:
    """The last start at or before `by` inside `spans`, if any."""
    for lo, hi in reversed(spans):
        if min(hi, by) >= lo:
            return min(hi, by)
    return None


def _later(order: list[Item], spans: dict[str, list[Span]], rules: Rules) -> list[Item]:
    """The same order with each visit but the last as late as the next one allows."""
    out = list(order)
    for i in range(len(out) - 2, -1, -1):
        v, s = out[i]
        nxt, s_next = out[i + 1]
        gap = v.duration + rules.travel.minutes(v.venue, nxt.venue)
        latest = _latest(spans[v.id], s_next - gap)
        if latest is not None and latest > s:
            out[i] = (v, latest)
    return out


def resequence(
    rules: Rules, team: TeamFacts, day: list[Visit], others: list[Item]
) -> list[Item] | None:
    """`day`'s visits (one day's) in an order and at times that keep every rule together with
    `others` (the team's visits on other days), or None when the search finds none."""
    if not day or len(day) > MAX_VISITS:
        return None
    spans = {v.id: team.start_spans(v) for v in day}
    if not all(spans.values()):
        return None
    steps = 0
    by_deadline = sorted(day, key=lambda v: (spans[v.id][-1][1], v.id))
    when = {day[0].day}

    def search(
        place: str | None, ready: int | None, left: list[Visit], done: list[Item]
    ) -> list[Item] | None:
        nonlocal steps
        if not left:
            timed = _later(done, spans, rules)
            broken = rules.team_rules(team, [*others, *timed], days=when, per_visit=False)
            return None if broken else timed
        for v in left:
            steps += 1
            if steps > MAX_STEPS:
                return None
            arrive = None if ready is None else ready + rules.travel.minutes(place, v.venue)
            start = spans[v.id][0][0] if arrive is None else _earliest(spans[v.id], arrive)
            if start is None:
                continue
            rest = [u for u in left if u is not v]
            found = search(v.venue, start + v.duration, rest, [*done, (v, start)])
            if found is not None:
                return found
        return None

    return search(None, None, by_deadline, [])
