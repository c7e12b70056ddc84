"""The operation order a playbook may carry: intent, command, risk, communications, welfare."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from fieldkit.playbook.strict import Strict
from fieldkit.playbook.values import WEEKDAYS, Clock, CodeRef, Ident, Minutes, Weekday

Level = Literal["low", "medium", "high"]
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
DEFAULT_MARKING = "OFFICIAL"


class Intent(Strict):
    """Why the operation runs: its aim and what it must achieve."""

    aim: str | None = Field(default=None, description="the operation's aim in a sentence")
    objectives: list[str] = Field(default=[], description="what the operation must achieve")


class Contact(Strict):
    """Someone to call: a name, a role and a phone or call sign."""

    name: str
    role: str | None = None
    contact: str | None = Field(default=None, description="phone, email or call sign")


class Command(Strict):
    """Who commands: the strategic (gold), tactical (silver) and operational (bronze) leads."""

    strategic: Contact | None = None
    tactical: Contact | None = None
    operational: list[Contact] = []


class Meeting(Strict):
    """A daily briefing or debrief: a fixed time and place in every team's working day."""

    at: Clock = Field(description='when it starts, "HH:MM"')
    minutes: Minutes = Field(default=30, description="how long it lasts")
    venue: Ident | None = Field(default=None, description="venue id of where it is held")
    room: str | None = Field(default=None, description="the room or meeting point")
    days: list[Weekday] | None = Field(default=None, description="on these days (omit: every day)")

    def on(self, day: date) -> bool:
        return self.days is None or WEEKDAYS[day.weekday()] in self.days


class Planning(Strict):
    """What a risk assessment makes a planning rule: who must go and who leads."""

    min_team_size: int | None = Field(
        default=None, ge=1, le=50, description="only a team of at least this many may visit"
    )
    lead: CodeRef | None = Field(
        default=None, description="a skill whose holder leads the visit, e.g. female_officer"
    )
    skills: list[CodeRef] = Field(default=[], description="skills the team must have")


class RiskAssessment(Strict):
    """Hazards, control measures and a level; `planning` turns it into rules the plan keeps."""

    level: Level | None = None
    hazards: list[str] = []
    controls: list[str] = Field(default=[], description="control measures every team applies")
    planning: Planning | None = None


class Risk(Strict):
    """The risk assessment of the operation, of each venue type and of single venues."""

    general: RiskAssessment | None = None
    venue_types: dict[CodeRef, RiskAssessment] = {}
    venues: dict[Ident, RiskAssessment] = {}


class Communications(Strict):
    """The radio plan: the operation's talk group, the control room, and notes."""

    talk_group: str | None = Field(default=None, description="the operation's radio talk group")
    control_room: Contact | None = None
    notes: list[str] = []


class InterpreterBooking(Strict):
    """An interpreter booked for a day (optionally for one team)."""

    date: date
    language: str
    interpreter: str = Field(description="name or agency")
    contact: str | None = None
    from_: Clock | None = Field(default=None, alias="from")
    to: Clock | None = None
    team: Ident | None = None


class Support(Strict):
    """Safeguarding and interpreter contacts, and the interpreters booked."""

    safeguarding: list[Contact] = []
    interpreters: list[Contact] = []
    interpreter_bookings: list[InterpreterBooking] = []


class Humanitarian(Strict):
    """Where people go when they accept help, and the words agreed with partners."""

    reception_centre: str | None = None
    emergency_accommodation: str | None = None
    safe_words: list[str] = Field(
        default=[], description="safe words or phrases agreed with partners"
    )
    notes: list[str] = []


def merged(*found: RiskAssessment | None) -> RiskAssessment | None:
    """The assessments of a venue's type and of the venue as one: lists joined, the higher
    level, the larger team size, the venue's lead over its type's."""
    parts = [r for r in found if r is not None]
    if not parts:
        return None
    levels = [r.level for r in parts if r.level]
    plans = [r.planning for r in parts if r.planning]
    planning = None
    if plans:
        sizes = [p.min_team_size for p in plans if p.min_team_size]
        leads = [p.lead for p in plans if p.lead]
        planning = Planning(
            min_team_size=max(sizes) if sizes else None,
            lead=leads[-1] if leads else None,
            skills=list(dict.fromkeys(s for p in plans for s in p.skills)),
        )
    return RiskAssessment(
        level=max(levels, key=LEVELS.index) if levels else None,
        hazards=list(dict.fromkeys(h for r in parts for h in r.hazards)),
        controls=list(dict.fromkeys(c for r in parts for c in r.controls)),
        planning=planning,
    )
