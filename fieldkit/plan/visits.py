"""Activities expanded into visits, and what each team brings (skills, partners, hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fieldkit.playbook.models import Playbook, Team, Window

#: Minutes are counted on one timeline from the operation's first day, 00:00 local (DST-correct).
Span = tuple[int, int]


class Clock:
    """Converts aware local times to minutes on the operation's timeline and back."""

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.zone = playbook.operation.zone
        self.origin = playbook.at(playbook.operation.start, time(0, 0))

    def minute(self, moment: datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)

    def at(self, day: date, clock: time) -> int:
        return self.minute(self.playbook.at(day, clock))

    def moment(self, minute: int) -> datetime:
        return (self.origin + timedelta(minutes=minute)).astimezone(self.zone)

    def iso(self, minute: int) -> str:
        return self.moment(minute).isoformat()

    def window(self, day: date, window: Window) -> Span:
        """The window that opens on `day` as minutes (an overnight one closes the next day)."""
        return (self.at(day, window.from_), self.at(window.closes_on(day), window.to))


@dataclass(frozen=True)
class Visit:
    """One visit to make: an activity at a venue inside one window on one day."""

    id: str
    activity: str
    activity_name: str
    venue: str
    day: date
    window: Span
    duration: int
    skills: tuple[str, ...]
    partners: tuple[str, ...]
    priority: int
    lead: str | None
    instructions: str | None
    min_team_size: int = 1

    @property
    def risk_needs(self) -> str | None:
        """The team size the venue's risk assessment asks for, in words (None: no rule)."""
        if self.min_team_size <= 1:
            return None
        return f"a team of at least {self.min_team_size} (risk assessment)"

    @property
    def latest_start(self) -> int:
        return self.window[1] - self.duration


def expand_visits(playbook: Playbook) -> list[Visit]:
    """Every visit the activities ask for: each venue, each day, each window that applies."""
    clock = Clock(playbook)
    visits: list[Visit] = []
    for activity in playbook.activities:
        venues = playbook.activity_venues(activity)
        rules = {v.id: _risk_rules(playbook, v.id) for v in venues}
        for day in playbook.operation.days:
            windows = [w for w in activity.when if w.on(day)]
            for n, window in enumerate(windows):
                span = clock.window(day, window)
                if span[1] - span[0] < activity.duration:
                    continue
                for venue in venues:
                    suffix = f"-{n + 1}" if len(windows) > 1 else ""
                    skills, lead, size = rules[venue.id]
                    visits.append(
                        Visit(
                            id=f"{activity.id}.{venue.id}.{day:%Y-%m-%d}{suffix}",
                            activity=activity.id,
                            activity_name=activity.name,
                            venue=venue.id,
                            day=day,
                            window=span,
                            duration=activity.duration,
                            skills=tuple(dict.fromkeys([*activity.requires.skills, *skills])),
                            partners=tuple(activity.requires.partners),
                            priority=activity.priority,
                            lead=lead or activity.lead,
                            instructions=activity.instructions,
                            min_team_size=size,
                        )
                    )
    return visits


def _risk_rules(playbook: Playbook, venue_id: str) -> tuple[list[str], str | None, int]:
    """What the venue's risk assessment makes a rule: skills (its lead's too), lead, team size."""
    risk = playbook.venue_risk(venue_id)
    planning = risk.planning if risk else None
    if planning is None:
        return [], None, 1
    skills = [*planning.skills, *([planning.lead] if planning.lead else [])]
    return skills, planning.lead, planning.min_team_size or 1


@dataclass(frozen=True)
class TeamFacts:
    """A team as the rules see it: skills and partners of its members, and when all can work."""

    id: str
    skills: frozenset[str]
    partners: frozenset[str]
    base: str | None
    available: dict[date, list[Span]]
    size: int = 1
    meetings: tuple[Span, ...] = ()

    def meeting_during(self, start: int, end: int) -> Span | None:
        """The daily briefing or debrief that `start`-`end` runs into, if any."""
        return next((m for m in self.meetings if m[0] < end and start < m[1]), None)

    def missing(self, visit: Visit) -> list[str]:
        """The visit's required skills and partners this team lacks (and the team size its
        venue's risk assessment asks for)."""
        out = [s for s in visit.skills if s not in self.skills]
        out += [p for p in visit.partners if p not in self.partners]
        if self.size < visit.min_team_size and visit.risk_needs:
            out.append(visit.risk_needs)
        return out

    def can_start(self, visit: Visit, start: int) -> bool:
        """Whether every member is available for the whole visit starting at `start`."""
        end = start + visit.duration
        return any(a <= start and end <= b for a, b in self.available.get(visit.day, []))

    def start_spans(self, visit: Visit) -> list[Span]:
        """Allowed start minutes (inclusive spans) inside the window and everyone's availability."""
        out: list[Span] = []
        for a, b in self.available.get(visit.day, []):
            lo = max(a, visit.window[0])
            hi = min(b, visit.window[1]) - visit.duration
            if lo <= hi:
                out.append((lo, hi))
        return out


def _person_spans(windows: list[Window] | None, day: date, clock: Clock) -> list[Span]:
    """When a person can work on the visits of `day` (which may run overnight into the next)."""
    if windows is None:
        return [(clock.at(day, time(0, 0)), clock.at(day + timedelta(2), time(0, 0)))]
    return sorted(clock.window(day, w) for w in windows if w.on(day))


def _intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if lo < hi:
                out.append((lo, hi))
    return sorted(out)


def _minus(spans: list[Span], busy: list[Span]) -> list[Span]:
    """`spans` with the `busy` spans cut out."""
    for b0, b1 in busy:
        cut: list[Span] = []
        for a0, a1 in spans:
            if b1 <= a0 or a1 <= b0:
                cut.append((a0, a1))
                continue
            if a0 < b0:
                cut.append((a0, b0))
            if b1 < a1:
                cut.append((b1, a1))
        spans = cut
    return spans


def meeting_spans(playbook: Playbook, team: Team) -> list[Span]:
    """The team's daily briefings and debriefs on the timeline: fixed, no visit overlaps them."""
    clock = Clock(playbook)
    out: list[Span] = []
    for meeting in playbook.meetings(team):
        if meeting is None:
            continue
        for day in playbook.operation.days:
            if meeting.on(day):
                start = clock.at(day, meeting.at)
                out.append((start, start + meeting.minutes))
    return sorted(out)


def team_facts(playbook: Playbook, team: Team) -> TeamFacts:
    clock = Clock(playbook)
    people = [playbook.person(m) for m in team.members]
    busy = meeting_spans(playbook, team)
    available: dict[date, list[Span]] = {}
    for day in playbook.operation.days:
        spans = _person_spans(None, day, clock)
        for person in people:
            spans = _intersect(spans, _person_spans(person.available, day, clock))
        available[day] = _minus(spans, busy)
    return TeamFacts(
        id=team.id,
        skills=frozenset(s for p in people for s in p.skills),
        partners=frozenset(p.agency for p in people),
        base=team.base,
        available=available,
        size=len(people),
        meetings=tuple(busy),
    )


def all_team_facts(playbook: Playbook) -> dict[str, TeamFacts]:
    return {t.id: team_facts(playbook, t) for t in playbook.teams}
