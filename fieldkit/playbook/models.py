"""The playbook language: pydantic models of an operation, its people, venues and activities."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from fieldkit.codes import Code, CodeBook, did_you_mean, load_codes
from fieldkit.codes.retention import DEVICE_TEXT_DAYS, Period, device_days
from fieldkit.errors import quote
from fieldkit.playbook.order import (
    DEFAULT_MARKING,
    Command,
    Communications,
    Humanitarian,
    Intent,
    Meeting,
    Risk,
    RiskAssessment,
    Support,
    merged,
)
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.values import (
    WEEKDAYS,
    Clock,
    CodeRef,
    Ident,
    Language,
    LatLon,
    Minutes,
    Weekday,
    error_at,
    zones,
)

NOON = time(12, 0)
"""An overnight window opens at or after noon and closes at or before noon the next day."""


class Area(Strict):
    """Where the operation runs: a name, a centre and optionally an outline for the map."""

    name: str
    centre: LatLon
    outline: list[LatLon] | None = Field(
        default=None, description="the area's boundary as a list of [lat, lon] points"
    )


class Operation(Strict):
    """Who, when and where: the operation's identity."""

    id: Ident = Field(description="short name; the plan is written to ops/<id>/")
    name: str
    start: date
    end: date
    timezone: str = "Europe/London"
    area: Area
    lead: str | None = Field(default=None, description="the patrol lead (rank and name)")
    description: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in zones():
            hint = did_you_mean(value, sorted(zones()))
            raise ValueError(f"unknown time zone {quote(value)}{hint}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Operation:
        if self.end < self.start:
            raise error_at(
                "end", f"the operation ends ({self.end}) before it starts ({self.start})"
            )
        if (self.end - self.start).days > 92:
            raise error_at("end", "an operation may last at most 93 days")
        return self

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(d) for d in range((self.end - self.start).days + 1)]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Window(Strict):
    """A span of time on some days: `from`/`to` as "HH:MM", on `days` or `dates` (or every day).

    A window whose `to` is earlier than its `from` runs overnight: it opens on the day and
    closes the next morning ("22:00" to "03:00"). It belongs to the day it opens.
    """

    days: list[Weekday] | None = None
    dates: list[date] | None = None
    from_: Clock = Field(alias="from")
    to: Clock

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.to == self.from_:
            raise error_at(
                "to",
                f"the window opens and closes at {self.from_:%H:%M}; give it a length",
            )
        if self.to < self.from_ and not (self.from_ >= NOON >= self.to):
            raise error_at(
                "to",
                f"the window ends ({self.to:%H:%M}) before it starts ({self.from_:%H:%M}); "
                "a window may only run past midnight overnight, from noon or later "
                'to noon or earlier (e.g. "22:00" to "03:00")',
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The window as a loadout carries it: days, dates, from and to ("HH:MM")."""
        return {
            "days": None if self.days is None else list(self.days),
            "dates": None if self.dates is None else [d.isoformat() for d in self.dates],
            "from": self.from_.strftime("%H:%M"),
            "to": self.to.strftime("%H:%M"),
        }

    @property
    def overnight(self) -> bool:
        """Whether the window closes on the next day."""
        return self.to < self.from_

    def closes_on(self, day: date) -> date:
        """The date the window that opens on `day` closes."""
        return day + timedelta(days=1) if self.overnight else day

    def on(self, day: date) -> bool:
        if self.dates is not None and day not in self.dates:
            return False
        if self.days is not None and WEEKDAYS[day.weekday()] not in self.days:
            return False
        return True


class Person(Strict):
    """A member of the roster: an officer or a partner-agency member."""

    id: Ident
    name: str = Field(description="rank and name as in the briefing, e.g. 'PC Ana Popescu'")
    agency: CodeRef = Field(description="a partner code, e.g. met_police or anitp")
    skills: list[CodeRef] = []
    contact: str | None = Field(default=None, description="phone or radio call sign")
    available: list[Window] | None = Field(
        default=None, description="when this person can work; omit for the whole operation"
    )

    def availability(self) -> list[dict[str, Any]] | None:
        """`available` as a loadout carries it (None: the whole operation)."""
        return None if self.available is None else [w.to_dict() for w in self.available]


class Team(Strict):
    """A patrol team: people who work together all week."""

    id: Ident
    name: str
    members: list[Ident] = Field(min_length=1)
    base: Ident | None = Field(default=None, description="venue id of the reporting location")
    call_sign: str | None = None
    leader: Ident | None = Field(default=None, description="person id of the team leader")
    radio: str | None = Field(default=None, description="the team's radio channel or talk group")
    briefing: Meeting | None = Field(default=None, description="this team's own daily briefing")
    debrief: Meeting | None = Field(default=None, description="this team's own daily debrief")


class TeamRules(Strict):
    """How teams must be made up."""

    min_size: int = Field(default=2, ge=1, le=20)
    max_size: int | None = Field(default=None, ge=1, le=50)
    every_team_has: list[CodeRef] = Field(
        default=[], description="skills every team must have at least one member with"
    )

    @model_validator(mode="after")
    def _sizes(self) -> TeamRules:
        if self.max_size is not None and self.max_size < self.min_size:
            raise error_at(
                "max_size", f"max_size {self.max_size} is smaller than min_size {self.min_size}"
            )
        return self


class Rules(Strict):
    """Hard rules every plan keeps."""

    max_hours_per_day: float = Field(default=10, gt=0, le=24)
    min_rest_hours: float = Field(default=11, ge=0, le=24)
    travel_speed_kmh: float = Field(default=30, gt=0, le=200)
    team: TeamRules = TeamRules()


class Venue(Strict):
    """A place to visit: give `location` ([lat, lon]) or an `address` to geocode when planning."""

    id: Ident
    name: str
    type: CodeRef = Field(description="a venue type code, e.g. brothel, church, car_wash")
    location: LatLon | None = None
    address: str | None = None
    notes: str | None = Field(default=None, description="access notes for the briefing")

    @model_validator(mode="after")
    def _placed(self) -> Venue:
        if self.location is None and not self.address:
            raise ValueError("a venue needs a location [lat, lon] or an address to geocode")
        return self


class Requires(Strict):
    """What a team must bring to a visit."""

    skills: list[CodeRef] = []
    partners: list[CodeRef] = Field(default=[], description="agencies that must be present")


class Activity(Strict):
    """Something the operation does repeatedly: visits to venues in time windows."""

    id: Ident
    name: str
    venues: list[Ident] | None = Field(default=None, description="venue ids to visit")
    venue_types: list[CodeRef] | None = Field(
        default=None, description="visit every catalogue venue of these types"
    )
    when: list[Window] = Field(min_length=1)
    duration: Minutes
    requires: Requires = Requires()
    lead: CodeRef | None = Field(
        default=None, description="a skill whose holder leads the visit, e.g. female_officer"
    )
    priority: int = Field(default=3, ge=1, le=5, description="1 (low) to 5 (must do)")
    instructions: str | None = None

    @model_validator(mode="after")
    def _targets(self) -> Activity:
        if not self.venues and not self.venue_types:
            raise ValueError("an activity needs `venues` (ids) or `venue_types` to visit")
        return self


class CodeEntry(Strict):
    """A code a playbook adds to a list."""

    code: CodeRef
    en: str
    ro: str
    ilo: CodeRef | None = None
    kind: str | None = None


class CodeChoices(Strict):
    """Which codes this operation uses: restrict lists (`use`) or add codes (`add`)."""

    use: dict[str, list[CodeRef]] = {}
    add: dict[str, list[CodeEntry]] = {}

    def codebook(self) -> CodeBook:
        """The kit's lists with these choices applied: added codes, then restrictions."""
        base = load_codes()
        lists = dict(base.lists)
        for name, entries in self.add.items():
            extra = [
                Code(e.code, e.en, e.ro, {k: v for k, v in (("ilo", e.ilo), ("kind", e.kind)) if v})
                for e in entries
            ]
            lists[name] = lists[name].extend(extra)
        for name, keep in self.use.items():
            added = {e.code for e in self.add.get(name, [])}
            lists[name] = lists[name].restrict(set(keep) | added)
        return CodeBook(lists)


class Helpline(Strict):
    name: str
    phone: str
    hours: str | None = None


class Leaflet(Strict):
    en: str
    ro: str


class Retention(Strict):
    """Review periods (MoPI-style): when the operation's sensitive text and its no-concern
    engagements are deleted at central, and how long devices keep text central holds."""

    sensitive_text: str | None = Field(
        default=None,
        description='notes and referral references, counted from the engagement, e.g. "6 years" '
        "(default: the longest review period of the record's outcomes in the code lists)",
    )
    no_concern_engagements: str | None = Field(
        default=None,
        description='whole engagements of no concern, e.g. "12 months" (default: the review '
        "period of the no_concerns outcome)",
    )
    device_text_days: int | None = Field(
        default=None,
        description="days a device keeps the sensitive text of a record central acknowledged "
        f"(default {DEVICE_TEXT_DAYS})",
    )

    @field_validator("sensitive_text", "no_concern_engagements")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None:
            Period.parse(value)
        return value

    @field_validator("device_text_days")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        return None if value is None else device_days(value)

    def to_dict(self) -> dict[str, Any]:
        """The section as a loadout carries it (the keys given only)."""
        return self.model_dump(exclude_none=True)


DEFAULT_HELPLINES = [
    Helpline(name="Modern Slavery & Exploitation Helpline", phone="08000 121 700", hours="24/7"),
]


class Playbook(Strict):
    """A whole operation as a patrol lead writes it."""

    version: Literal[1] = 1
    operation: Operation
    partners: list[CodeRef] = Field(min_length=1, description="agencies taking part")
    roster: list[Person] = Field(min_length=1)
    teams: list[Team] = Field(min_length=1)
    rules: Rules = Rules()
    venues: list[Venue] = Field(min_length=1)
    activities: list[Activity] = Field(min_length=1)
    codes: CodeChoices = CodeChoices()
    helplines: list[Helpline] = DEFAULT_HELPLINES
    leaflet: Leaflet | None = None
    retention: Retention | None = None
    languages: tuple[Language, ...] = Field(
        default=("en",),
        min_length=1,
        description="the briefing pack's languages, its main language first (en, ro): its "
        "headings and labels show each in turn, e.g. [en, ro]",
    )
    marking: str = Field(
        default=DEFAULT_MARKING,
        max_length=400,
        description="protective marking on everything generated, e.g. OFFICIAL-SENSITIVE",
    )
    intent: Intent | None = None
    command: Command | None = None
    briefing: Meeting | None = Field(default=None, description="every team's daily briefing")
    debrief: Meeting | None = Field(default=None, description="every team's daily debrief")
    risk: Risk | None = None
    communications: Communications | None = None
    support: Support | None = None
    humanitarian: Humanitarian | None = None

    _codebook: CodeBook | None = PrivateAttr(default=None)
    _source: str = PrivateAttr(default="<playbook>")

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({lang for lang in value if value.count(lang) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} is listed more than once")
        return value

    @property
    def codebook(self) -> CodeBook:
        """The code lists this operation uses (the kit's, restricted and extended)."""
        if self._codebook is None:
            self._codebook = self.codes.codebook()
        return self._codebook

    @property
    def source(self) -> str:
        return self._source

    def person(self, person_id: str) -> Person:
        return next(p for p in self.roster if p.id == person_id)

    def venue(self, venue_id: str) -> Venue:
        return next(v for v in self.venues if v.id == venue_id)

    def team(self, team_id: str) -> Team:
        return next(t for t in self.teams if t.id == team_id)

    def at(self, day: date, clock: time) -> datetime:
        """The aware local moment `clock` on `day` in the operation's time zone (DST-correct).

        A wall time that happens twice (01:30 the night clocks go back) is its first moment.
        Subtract moments in UTC (`.astimezone(UTC)`): Python subtracts two datetimes that
        share a tzinfo as wall-clock times, which is an hour out across a change.
        """
        return datetime.combine(day, clock, tzinfo=self.operation.zone)

    def activity_venues(self, activity: Activity) -> list[Venue]:
        chosen = [self.venue(v) for v in activity.venues or []]
        if activity.venue_types:
            chosen += [v for v in self.venues if v.type in activity.venue_types and v not in chosen]
        return chosen

    def venue_risk(self, venue_id: str) -> RiskAssessment | None:
        """The risk assessment of a venue: its type's and its own, as one."""
        if self.risk is None:
            return None
        venue = self.venue(venue_id)
        return merged(self.risk.venue_types.get(venue.type), self.risk.venues.get(venue.id))

    def meetings(self, team: Team) -> tuple[Meeting | None, Meeting | None]:
        """The team's daily briefing and debrief (its own, else the operation's)."""
        return team.briefing or self.briefing, team.debrief or self.debrief
