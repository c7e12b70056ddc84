"""The operation's area and dates, and the windows of time people and activities are given."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from fieldkit.codes import did_you_mean
from fieldkit.errors import quote
from fieldkit.i18n import _
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.values import (
    WEEKDAYS,
    Clock,
    Ident,
    LatLon,
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
            said = _("unknown time zone {zone}{hint}")
            raise ValueError(said.format(zone=quote(value), hint=hint))
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Operation:
        if self.end < self.start:
            said = _("the operation ends ({end}) before it starts ({start})")
            raise error_at("end", said.format(end=self.end, start=self.start))
        if (self.end - self.start).days > 92:
            raise error_at("end", _("an operation may last at most 93 days"))
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
                _("the window opens and closes at {start:%H:%M}; give it a length").format(
                    start=self.from_
                ),
            )
        if self.to < self.from_ and not (self.from_ >= NOON >= self.to):
            raise error_at(
                "to",
                _(
                    "the window ends ({end:%H:%M}) before it starts ({start:%H:%M}); "
                    "a window may only run past midnight overnight, from noon or later "
                    'to noon or earlier (e.g. "22:00" to "03:00")'
                ).format(end=self.to, start=self.from_),
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
