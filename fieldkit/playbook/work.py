"""The playbook's venues and the activities that visit them."""

from __future__ import annotations

from pydantic import (
    Field,
    model_validator,
)

from fieldkit.i18n import _
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.timing import Window
from fieldkit.playbook.values import (
    CodeRef,
    Ident,
    LatLon,
    Minutes,
)


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
            raise ValueError(_("a venue needs a location [lat, lon] or an address to geocode"))
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
            raise ValueError(_("an activity needs `venues` (ids) or `venue_types` to visit"))
        return self
