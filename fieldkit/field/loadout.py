"""A team's loadout (ops/OP/loadouts/TEAM.json, fieldkit-loadout/1), read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldkit.codes import CodeBook, CodeListError
from fieldkit.errors import UserError, clip, quote
from fieldkit.json_input import loads, read_capped

LOADOUT_FORMAT = "fieldkit-loadout/1"
#: The largest loadout a device reads (one team's week is tens of kilobytes).
MAX_LOADOUT = 16 * 1024 * 1024


class LoadoutError(UserError):
    """A file that is not a usable loadout."""


@dataclass(frozen=True)
class Assignment:
    """One visit of this team: where, when, with whom."""

    visit: str
    activity: str
    activity_name: str
    venue: str
    start: datetime
    end: datetime
    partners: tuple[str, ...]
    skills: tuple[str, ...]
    lead: str | None
    instructions: str | None
    priority: int

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class VenueInfo:
    id: str
    name: str
    type: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    agency: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Loadout:
    """What a device carries for one team of one operation."""

    data: dict[str, Any]
    operation: str
    operation_name: str
    timezone: str
    team: str
    team_name: str
    members: tuple[Member, ...]
    assignments: tuple[Assignment, ...]
    venues: dict[str, VenueInfo]
    codes: CodeBook
    plan_sha256: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def dates(self) -> tuple[date, date] | None:
        """The operation's first and last day (local), when the loadout says them."""
        op = self.data.get("operation")
        if not isinstance(op, dict):
            return None
        try:
            return date.fromisoformat(str(op["start"])), date.fromisoformat(str(op["end"]))
        except (KeyError, ValueError):
            return None

    def member(self, person: str) -> Member | None:
        return next((m for m in self.members if m.id == person), None)

    def assignment(self, visit: str) -> Assignment | None:
        return next((a for a in self.assignments if a.visit == visit), None)


def read_loadout(path: Path) -> Loadout:
    """The loadout at `path`, or LoadoutError saying what is wrong with it."""
    return read_loadout_file(path)[0]


def read_loadout_file(path: Path) -> tuple[Loadout, bytes]:
    """The loadout at `path` and the file's bytes (refused unread over MAX_LOADOUT bytes)."""
    try:
        raw = read_capped(path, MAX_LOADOUT)
    except FileNotFoundError:
        raise LoadoutError(f"loadout {path}: no such file") from None
    except OSError as exc:
        raise LoadoutError(f"loadout {path}: cannot read it ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise LoadoutError(f"loadout {path}: {exc}") from None
    try:
        data = loads(raw)
    except ValueError as exc:
        raise LoadoutError(f"loadout {path}: not JSON ({exc})") from None
    return parse_loadout(data, str(path)), raw


def parse_loadout(data: Any, source: str = "<loadout>") -> Loadout:
    """The loadout in `data` (parsed JSON), or LoadoutError naming what is wrong in `source`."""
    if not isinstance(data, dict) or data.get("format") != LOADOUT_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise LoadoutError(
            f"loadout {source}: not a device loadout (format {quote(found)}, expected "
            f"{LOADOUT_FORMAT!r}); use a file from ops/OP/loadouts/ written by `fieldkit plan`"
        )
    try:
        loadout = _read_loadout(data, source)
    except (KeyError, TypeError) as exc:
        raise LoadoutError(
            f"loadout {source}: missing or malformed field {clip(str(exc))}"
        ) from None
    except (ZoneInfoNotFoundError, CodeListError, ValueError) as exc:
        raise LoadoutError(f"loadout {source}: {clip(str(exc))}") from None
    if not loadout.members:
        team = data["team"]
        raise LoadoutError(f"loadout {source}: team {quote(team.get('id'))} has no members")
    for a in loadout.assignments:
        if a.venue not in loadout.venues:
            raise LoadoutError(
                f"loadout {source}: visit {quote(a.visit)} is at unknown venue {quote(a.venue)}"
            )
    return loadout


def _read_loadout(data: dict[str, Any], source: str) -> Loadout:
    """Every field of the loadout read (KeyError, TypeError or ValueError when one is wrong)."""
    op, team = data["operation"], data["team"]
    zone = str(op["timezone"])
    ZoneInfo(zone)
    codes = CodeBook.from_dict(data["codes"], source)
    venues = {str(v["id"]): _venue(v) for v in data["venues"]}
    members = tuple(_member(m) for m in team["members"])
    assignments = tuple(
        sorted((_assignment(a) for a in data["assignments"]), key=lambda a: a.start)
    )
    return Loadout(
        data=data,
        operation=str(op["id"]),
        operation_name=str(op.get("name") or op["id"]),
        timezone=zone,
        team=str(team["id"]),
        team_name=str(team.get("name") or team["id"]),
        members=members,
        assignments=assignments,
        venues=venues,
        codes=codes,
        plan_sha256=str(data.get("plan_sha256") or ""),
    )


def _member(m: dict[str, Any]) -> Member:
    return Member(
        str(m["id"]), str(m["name"]), str(m.get("agency") or ""), tuple(m.get("skills") or ())
    )


def _venue(v: dict[str, Any]) -> VenueInfo:
    return VenueInfo(
        str(v["id"]), str(v["name"]), str(v["type"]), _num(v.get("lat")), _num(v.get("lon"))
    )


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _assignment(a: dict[str, Any]) -> Assignment:
    start, end = datetime.fromisoformat(a["start"]), datetime.fromisoformat(a["end"])
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError(f"visit {a.get('visit')}: times need a UTC offset")
    return Assignment(
        visit=str(a["visit"]),
        activity=str(a.get("activity") or ""),
        activity_name=str(a.get("activity_name") or a.get("activity") or ""),
        venue=str(a["venue"]),
        start=start,
        end=end,
        partners=tuple(a.get("partners") or ()),
        skills=tuple(a.get("skills") or ()),
        lead=a.get("lead"),
        instructions=a.get("instructions"),
        priority=int(a.get("priority") or 3),
    )
