"""The hard rules of a plan, checked on one team's schedule without a solver."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from fieldkit.plan.travel import Travel
from fieldkit.plan.visits import Clock, TeamFacts, Visit
from fieldkit.playbook.models import Playbook

Item = tuple[Visit, int]


@dataclass(frozen=True)
class Broken:
    """A broken rule: its name (skills, partners, window, overlap, hours, rest...) and why."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class Rules:
    """Everything needed to judge a team's schedule: the playbook's rules, clock and travel."""

    def __init__(self, playbook: Playbook, travel: Travel | None = None) -> None:
        self.playbook = playbook
        self.clock = Clock(playbook)
        self.travel = travel or Travel.for_playbook(playbook)
        self.max_minutes = round(playbook.rules.max_hours_per_day * 60)
        self.rest_minutes = round(playbook.rules.min_rest_hours * 60)
        self.venue_names = {v.id: v.name for v in playbook.venues}

    def hhmm(self, minute: int) -> str:
        return f"{self.clock.moment(minute):%H:%M}"

    def when(self, minute: int) -> str:
        return f"{self.clock.moment(minute):%a %d %b %H:%M}"

    def span(self, day: date, a: int, b: int) -> str:
        return f"{day:%a %d %b} {self.hhmm(a)}-{self.hhmm(b)}"

    def shift(self, team: TeamFacts, items: list[Item]) -> tuple[int, int]:
        """From leaving base to returning (or first start to last end), items in time order."""
        first, last = items[0], items[-1]
        start = first[1] - self.travel.minutes(team.base, first[0].venue)
        end = last[1] + last[0].duration + self.travel.minutes(last[0].venue, team.base)
        return start, end

    def visit_rules(self, team: TeamFacts, visit: Visit, start: int) -> list[Broken]:
        out = [
            Broken("skills", f"{team.id} has no {s} for {visit.id}")
            for s in visit.skills
            if s not in team.skills
        ]
        out += [
            Broken("partners", f"{team.id} has no member of {p} for {visit.id}")
            for p in visit.partners
            if p not in team.partners
        ]
        if team.size < visit.min_team_size:
            out.append(
                Broken(
                    "risk",
                    f"{team.id} has {team.size} members; {visit.id} needs {visit.risk_needs}",
                )
            )
        end = start + visit.duration
        meeting = team.meeting_during(start, end)
        if start < visit.window[0] or end > visit.window[1]:
            out.append(
                Broken(
                    "window",
                    f"{visit.id} at {self.when(start)}-{self.hhmm(end)} is "
                    f"outside its window {self.span(visit.day, *visit.window)}",
                )
            )
        elif meeting is not None:
            out.append(
                Broken(
                    "briefing",
                    f"{visit.id} at {self.when(start)}-{self.hhmm(end)} runs into {team.id}'s "
                    f"daily briefing or debrief {self.hhmm(meeting[0])}-{self.hhmm(meeting[1])}",
                )
            )
        elif not team.can_start(visit, start):
            out.append(
                Broken(
                    "availability",
                    f"not every member of {team.id} is available "
                    f"{self.span(visit.day, start, end)} for {visit.id}",
                )
            )
        return out

    def team_rules(
        self,
        team: TeamFacts,
        items: list[Item],
        days: set[date] | None = None,
        per_visit: bool = True,
    ) -> list[Broken]:
        """Every rule this team's schedule breaks (only on `days` and their neighbours if given)."""
        out: list[Broken] = []
        by_day = _by_day(items)
        worked = sorted(by_day)
        for day in worked:
            if days is not None and day not in days:
                continue
            day_items = by_day[day]
            if per_visit:
                for visit, start in day_items:
                    out += self.visit_rules(team, visit, start)
            out += self.overlap_rules(team, day_items)
            out += self.hours_rules(team, day, day_items)
        for d1, d2 in zip(worked, worked[1:], strict=False):
            if days is not None and d1 not in days and d2 not in days:
                continue
            out += self.rest_rules(team, by_day[d1], by_day[d2])
        return out

    def overlap_rules(self, team: TeamFacts, day_items: list[Item]) -> list[Broken]:
        """Each visit of the day (in time order) leaves time to travel to the next."""
        out = []
        for (a, sa), (b, sb) in zip(day_items, day_items[1:], strict=False):
            gap = self.travel.minutes(a.venue, b.venue)
            if sb < sa + a.duration + gap:
                out.append(
                    Broken(
                        "overlap",
                        (
                            f"{team.id} is at {self.venue_names[a.venue]} until "
                            f"{self.when(sa + a.duration)} and due at "
                            f"{self.venue_names[b.venue]} at "
                            f"{self.hhmm(sb)} ({gap} min travel): {a.id} and {b.id}"
                        ),
                    )
                )
        return out

    def hours_rules(self, team: TeamFacts, day: date, day_items: list[Item]) -> list[Broken]:
        """The day's shift, base to base, lasts no longer than max_hours_per_day."""
        begin, end = self.shift(team, day_items)
        if end - begin <= self.max_minutes:
            return []
        return [
            Broken(
                "hours",
                (
                    f"{team.id} would work {(end - begin) / 60:.1f} h on {day:%a %d %b} "
                    f"({self.hhmm(begin)}-{self.hhmm(end)}); the limit is "
                    f"{self.playbook.rules.max_hours_per_day:g} h"
                ),
            )
        ]

    def rest_rules(self, team: TeamFacts, first: list[Item], second: list[Item]) -> list[Broken]:
        """Between two worked days' shifts the team rests at least min_rest_hours."""
        _, end1 = self.shift(team, first)
        start2, _ = self.shift(team, second)
        if start2 - end1 >= self.rest_minutes:
            return []
        return [
            Broken(
                "rest",
                (
                    f"{team.id} would rest {(start2 - end1) / 60:.1f} h between "
                    f"{self.when(end1)} "
                    f"and {self.when(start2)}; the minimum is "
                    f"{self.playbook.rules.min_rest_hours:g} h"
                ),
            )
        ]

    def candidate_starts(self, team: TeamFacts, visit: Visit, others: list[Item]) -> list[int]:
        """Starts worth trying for `visit` among `others`: window edges, gaps around others."""
        spans = team.start_spans(visit)
        raw = {lo for lo, _ in spans} | {hi for _, hi in spans}
        for other, start in others:
            if other.day != visit.day:
                continue
            raw.add(start + other.duration + self.travel.minutes(other.venue, visit.venue))
            raw.add(start - self.travel.minutes(visit.venue, other.venue) - visit.duration)
        return sorted(m for m in raw if any(lo <= m <= hi for lo, hi in spans))

    def place(
        self, team: TeamFacts, visit: Visit, others: list[Item]
    ) -> tuple[int | None, list[Broken]]:
        """The earliest start at which `team` can add `visit` to `others`, else what blocks it."""
        missing = self.visit_rules(team, visit, visit.window[0])
        missing = [b for b in missing if b.rule in ("skills", "partners", "risk")]
        if missing:
            return None, missing
        starts = self.candidate_starts(team, visit, others)
        if not starts:
            end = visit.window[1]
            return None, [
                Broken(
                    "availability",
                    f"no time in {self.span(visit.day, visit.window[0], end)} "
                    f"when every member of {team.id} is available",
                )
            ]
        best: list[Broken] | None = None
        for start in starts:
            broken = self.team_rules(
                team, [*others, (visit, start)], days={visit.day}, per_visit=False
            )
            if not broken:
                return start, []
            if best is None or len(broken) < len(best):
                best = broken
        return None, best or []


def _by_day(items: list[Item]) -> dict[date, list[Item]]:
    """A schedule's items by day, each day's in time order (then visit id)."""
    by_day: dict[date, list[Item]] = defaultdict(list)
    for visit, start in items:
        by_day[visit.day].append((visit, start))
    for day_items in by_day.values():
        day_items.sort(key=lambda i: (i[1], i[0].id))
    return by_day
