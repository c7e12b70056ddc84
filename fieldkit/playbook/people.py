"""The playbook's people: the roster, the teams and the rules of their working days."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    model_validator,
)

from fieldkit.i18n import _
from fieldkit.playbook.order import (
    Meeting,
)
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.timing import Window
from fieldkit.playbook.values import (
    CodeRef,
    Ident,
    error_at,
)


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
                "max_size",
                _("max_size {most} is smaller than min_size {least}").format(
                    most=self.max_size, least=self.min_size
                ),
            )
        return self


class Rules(Strict):
    """Hard rules every plan keeps."""

    max_hours_per_day: float = Field(default=10, gt=0, le=24)
    min_rest_hours: float = Field(default=11, ge=0, le=24)
    travel_speed_kmh: float = Field(default=30, gt=0, le=200)
    team: TeamRules = TeamRules()
