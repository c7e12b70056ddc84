"""An operation's map data from a workspace: ops/OP/plan.json and the records in sync/central.db."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fieldkit.errors import UserError
from fieldkit.json_input import MAX_PLAN, read_json
from fieldkit.maps.followups import FollowUp, FollowUpSource, read_follow_ups
from fieldkit.maps.inputs import EngagementPoint, MapInput, PlannedVisit, VenueInfo
from fieldkit.model import ENGAGEMENT, Engagement, RecordError
from fieldkit.workspace import Workspace

PLAN_FORMAT = "fieldkit-plan/1"


class OperationError(UserError):
    """No such operation in the workspace, or its plan.json cannot be read."""


@dataclass(frozen=True)
class Conflict:
    """Two or more amendments of one engagement from different devices: counted once, flagged."""

    root: str
    versions: tuple[str, ...]
    devices: tuple[str, ...]
    counted: str


@dataclass(frozen=True)
class DataQuality:
    """What a reader of the map and report should know about the data behind them."""

    central: bool
    records: int = 0
    amended: int = 0
    conflicts: tuple[Conflict, ...] = ()
    problems: tuple[dict[str, Any], ...] = ()
    resolved_problems: int = 0
    unreadable: tuple[str, ...] = ()
    unlocated: tuple[str, ...] = ()
    venues_without_coordinates: tuple[str, ...] = ()
    unassigned_visits: tuple[str, ...] = ()


@dataclass(frozen=True)
class OperationData:
    """One operation as the map, report and exports see it."""

    map_input: MapInput
    plan: dict[str, Any]
    engagements: tuple[Engagement, ...]
    quality: DataQuality
    conflicted: frozenset[str] = field(default_factory=frozenset)
    #: The current follow-up of referred persons that central holds (see maps/followups.py).
    follow_ups: tuple[FollowUp, ...] = ()
    #: Each counted engagement's original record id (an amendment's is the record it amends).
    originals: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.engagements


def resolve_operation(ws: Workspace, op: str | None) -> str:
    """OP as given if the workspace has it; the only operation if none given; else exit 2."""
    ops = ws.operations()
    listing = ", ".join(ops) if ops else "none: plan one with `fieldkit plan playbooks/NAME.yaml`"
    if op is None:
        if len(ops) == 1:
            return ops[0]
        if not ops:
            raise OperationError(f"no planned operation in {ws.ops} ({listing})")
        raise OperationError(f"several operations in {ws.ops}: name one of {listing}")
    if op not in ops:
        raise OperationError(f"no operation {op!r} in {ws.ops} (operations: {listing})")
    return op


def read_plan(path: Path) -> dict[str, Any]:
    """plan.json as a dict; OperationError naming the file if it is not a readable plan."""
    try:
        doc = read_json(path, MAX_PLAN)
    except (OSError, ValueError) as exc:
        raise OperationError(f"{path}: not a readable plan ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise OperationError(f"{path}: not a plan (format {PLAN_FORMAT}); re-run `fieldkit plan`")
    for key in ("operation", "venues", "visits", "assignments"):
        if key not in doc:
            raise OperationError(f"{path}: the plan has no {key!r}")
    return doc


def original_ids(records: list[Engagement]) -> dict[str, str]:
    """Each record's original: the record its chain of amendments starts from."""
    by_id = {r.id: r for r in records}

    def root_of(rec: Engagement) -> str:
        seen = {rec.id}
        while rec.amends and rec.amends in by_id and rec.amends not in seen:
            rec = by_id[rec.amends]
            seen.add(rec.id)
        return rec.id

    return {r.id: root_of(r) for r in records}


def latest_versions(
    records: list[Engagement],
) -> tuple[list[Engagement], list[Conflict], int]:
    """The latest version of each engagement (an amendment replaces what it amends).

    Versions form a tree under the original record; its leaves are the latest versions. One
    leaf is the usual case; several leaves are a conflict: the engagement is counted once (the
    newest leaf by hlc) and the conflict is returned. Also returns how many were amended.
    """
    by_id = {r.id: r for r in records}
    amended = {r.amends for r in records if r.amends and r.amends in by_id}
    roots = original_ids(records)
    leaves: dict[str, list[Engagement]] = defaultdict(list)
    for rec in records:
        if rec.id not in amended:
            leaves[roots[rec.id]].append(rec)
    latest: list[Engagement] = []
    conflicts: list[Conflict] = []
    for root, versions in leaves.items():
        versions.sort(key=lambda r: (r.hlc, r.id))
        chosen = versions[-1]
        latest.append(chosen)
        if len(versions) > 1:
            conflicts.append(
                Conflict(
                    root=root,
                    versions=tuple(v.id for v in versions),
                    devices=tuple(sorted({v.device for v in versions})),
                    counted=chosen.id,
                )
            )
    n_amended = sum(1 for rec in latest if rec.amends)
    latest.sort(key=lambda r: (r.time, r.id))
    conflicts.sort(key=lambda c: c.root)
    return latest, conflicts, n_amended


def _aware(text: str, what: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{what}: time {text} has no UTC offset")
    return moment


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:  # an unknown zone in a hand-edited plan: report in UTC, do not fail
        return ZoneInfo("UTC")


def _central_rows(
    central_db: Path, op_ids: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """(records of the operation, every problem of its devices, central exists)."""
    if not central_db.is_file():
        return [], [], False
    from fieldkit.central.by_operation import (
        device_problems,
        operation_devices,
        operation_records,
    )
    from fieldkit.central.store import Central

    with Central(central_db) as central:
        records = operation_records(central, op_ids)
        devices = {str(r.get("device")) for r in records}
        # The activity log (visits started and ended, handover notes) is not engagements.
        rows = [r for r in records if r.get("kind", ENGAGEMENT) == ENGAGEMENT]
        for d in operation_devices(central, op_ids):
            devices.update(str(x) for x in (d["id"], d["device"]) if x)
        problems = device_problems(central, devices)
    return rows, problems, True


def load_operation(ws: Workspace, op: str, as_of: datetime | None = None) -> OperationData:
    """The operation's MapInput, its latest engagements and the data-quality facts."""
    doc = read_plan(ws.ops / op / "plan.json")
    return operation_from(doc, ws.sync / "central.db", folder=op, as_of=as_of)


def operation_from(
    doc: dict[str, Any],
    central_db: Path,
    folder: str | None = None,
    as_of: datetime | None = None,
    follow_ups: FollowUpSource = read_follow_ups,
) -> OperationData:
    """Build OperationData from a plan document and a central store path (may not exist);
    `follow_ups` reads the referred persons' follow-ups from central."""
    info = doc["operation"]
    op_id = str(info["id"])
    zone = _zone(str(info.get("timezone") or "UTC"))
    op_ids = frozenset({op_id, folder or op_id})
    rows, problems, has_central = _central_rows(central_db, set(op_ids))
    parsed, unreadable = _parse_records(rows)
    latest, conflicts, n_amended = latest_versions(parsed)
    venues, no_coords = _located_venues(doc)
    venue_index = {v.id: v for v in venues}
    points, unlocated = _engagement_points(latest, venue_index, zone)
    planned = _planned_visits(doc, venue_index, {rec.visit for rec in latest if rec.visit})
    if as_of is None:
        stamps = [_aware(r.recorded_at, r.id) for r in parsed if _parses(r.recorded_at)]
        as_of = max(stamps) if stamps else datetime.now(UTC)
    area = info.get("area") or {}
    outline = area.get("outline")
    map_input = MapInput(
        operation_id=op_id,
        operation_name=str(info.get("name") or op_id),
        period=(date.fromisoformat(str(info["start"])), date.fromisoformat(str(info["end"]))),
        timezone=str(info.get("timezone") or "UTC"),
        area_outline=tuple((float(p[0]), float(p[1])) for p in outline) if outline else None,
        venues=tuple(venues),
        visits=tuple(planned),
        engagements=tuple(points),
        as_of=as_of,
        area_name=area.get("name"),
    )
    quality = DataQuality(
        central=has_central,
        records=len(rows),
        amended=n_amended,
        conflicts=tuple(conflicts),
        problems=tuple(p for p in problems if p["resolved_at"] is None),
        resolved_problems=sum(1 for p in problems if p["resolved_at"] is not None),
        unreadable=tuple(unreadable),
        unlocated=tuple(unlocated),
        venues_without_coordinates=tuple(no_coords),
        unassigned_visits=tuple(str(u["visit"]) for u in doc.get("unassigned") or ()),
    )
    conflicted = frozenset(c.counted for c in conflicts)
    followed = tuple(follow_ups(central_db, op_ids)) if has_central else ()
    roots = original_ids(parsed)
    originals = {rec.id: roots[rec.id] for rec in latest}
    return OperationData(map_input, doc, tuple(latest), quality, conflicted, followed, originals)


def signs_of(rec: Engagement) -> tuple[str, ...]:
    """The signs seen at an engagement: the group's and every person's (format 2)."""
    return tuple(sorted(set(rec.indicators).union(*(p.signs for p in rec.persons))))


def _parse_records(rows: list[dict[str, Any]]) -> tuple[list[Engagement], list[str]]:
    """The records central holds as engagements, and the ids of those that do not read."""
    parsed: list[Engagement] = []
    unreadable: list[str] = []
    for row in rows:
        try:
            rec = Engagement.from_dict(row)
            _aware(rec.time, f"record {rec.id}")
            parsed.append(rec)
        except (RecordError, ValueError):
            unreadable.append(str(row.get("id")))
    return parsed, unreadable


def _located_venues(doc: dict[str, Any]) -> tuple[list[VenueInfo], list[str]]:
    """The plan's venues with coordinates, and the ids of those without."""
    venues: list[VenueInfo] = []
    no_coords: list[str] = []
    for v in doc["venues"]:
        if v.get("lat") is None or v.get("lon") is None:
            no_coords.append(str(v["id"]))
            continue
        venues.append(VenueInfo(str(v["id"]), str(v["name"]), str(v["type"]), v["lat"], v["lon"]))
    return venues, no_coords


def _engagement_points(
    latest: list[Engagement], venue_index: dict[str, VenueInfo], zone: ZoneInfo
) -> tuple[list[EngagementPoint], list[str]]:
    """Each engagement on the map (at its position, else its venue's), and the ids of those
    with neither."""
    points: list[EngagementPoint] = []
    unlocated: list[str] = []
    for rec in latest:
        lat, lon = rec.lat, rec.lon
        if (lat is None or lon is None) and rec.venue in venue_index:
            lat, lon = venue_index[rec.venue].lat, venue_index[rec.venue].lon
        if lat is None or lon is None:
            unlocated.append(rec.id)
            continue
        when = _aware(rec.time, f"record {rec.id}")
        points.append(
            EngagementPoint(
                id=rec.id,
                lat=lat,
                lon=lon,
                when=when,
                day=when.astimezone(zone).date(),
                venue_id=rec.venue,
                venue_type=rec.venue_type,
                team=rec.team,
                people=rec.people_count,
                indicators=signs_of(rec),
                outcomes=rec.outcomes,
                partners=rec.partners,
            )
        )
    return points, unlocated


def _planned_visits(
    doc: dict[str, Any], venue_index: dict[str, VenueInfo], named_visits: set[str]
) -> list[PlannedVisit]:
    """The plan's assignments at located venues, in time order; those an engagement names
    are done."""
    visits_by_id = {str(v["id"]): v for v in doc["visits"]}
    planned: list[PlannedVisit] = []
    for a in doc["assignments"]:
        visit = visits_by_id.get(str(a["visit"]))
        if visit is None or str(visit["venue"]) not in venue_index:
            continue
        planned.append(
            PlannedVisit(
                visit_id=str(a["visit"]),
                venue_id=str(visit["venue"]),
                team=str(a["team"]),
                start=_aware(str(a["start"]), f"assignment {a['visit']}"),
                end=_aware(str(a["end"]), f"assignment {a['visit']}"),
                done=True if a["visit"] in named_visits else None,
            )
        )
    planned.sort(key=lambda v: (v.start, v.visit_id))
    return planned


def _parses(text: str) -> bool:
    try:
        _aware(text, "")
    except (TypeError, ValueError):
        return False
    return True
