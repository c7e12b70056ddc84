"""A MapInput's fixed part from a playbook: operation, period, area outline and venues."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from fieldkit.maps.inputs import EngagementPoint, MapInput, PlannedVisit, VenueInfo
from fieldkit.playbook.models import Playbook


def map_input_from_playbook(
    playbook: Playbook,
    engagements: Iterable[EngagementPoint] = (),
    visits: Iterable[PlannedVisit] = (),
    as_of: datetime | None = None,
) -> MapInput:
    """The operation as the map sees it; venues still without coordinates are left out."""
    op = playbook.operation
    venues = tuple(
        VenueInfo(v.id, v.name, v.type, float(v.location[0]), float(v.location[1]))
        for v in playbook.venues
        if v.location is not None
    )
    outline = op.area.outline
    return MapInput(
        operation_id=op.id,
        operation_name=op.name,
        period=(op.start, op.end),
        timezone=op.timezone,
        area_outline=tuple((float(p[0]), float(p[1])) for p in outline) if outline else None,
        venues=venues,
        visits=tuple(visits),
        engagements=tuple(engagements),
        as_of=as_of or datetime.now(UTC),
        area_name=op.area.name,
    )
