"""The playbook language: the whole operation as pydantic models (its parts in timing.py,
people.py, work.py and support.py, re-exported here)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
)

from fieldkit.codes import CodeBook
from fieldkit.i18n import _
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
from fieldkit.playbook.people import Person, Rules, Team, TeamRules
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.support import (
    DEFAULT_HELPLINES,
    CodeChoices,
    CodeEntry,
    Helpline,
    Leaflet,
    Retention,
)
from fieldkit.playbook.timing import NOON, Area, Operation, Window
from fieldkit.playbook.values import (
    CodeRef,
    Language,
)
from fieldkit.playbook.work import Activity, Requires, Venue

__all__ = [
    "DEFAULT_HELPLINES",
    "NOON",
    "Activity",
    "Area",
    "CodeChoices",
    "CodeEntry",
    "Helpline",
    "Leaflet",
    "Operation",
    "Person",
    "Playbook",
    "Requires",
    "Retention",
    "Rules",
    "Strict",
    "Team",
    "TeamRules",
    "Venue",
    "Window",
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
            raise ValueError(_("{names} is listed more than once").format(names=", ".join(twice)))
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
