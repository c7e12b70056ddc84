"""A team's loadout (ops/OP/loadouts/TEAM.json, fieldkit-loadout/1), read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldkit.codes import CodeBook, CodeListError
from fieldkit.errors import UserError, clip, quote
from fieldkit.field.order_facts import TeamOrder, read_team_order
from fieldkit.i18n import _
from fieldkit.json_input import loads, read_capped

LOADOUT_FORMAT = "fieldkit-loadout/1"
#: Days as a playbook's `available` windows name them, in date.weekday() order.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
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
class Window:
    """When a member can work: from `opens` to `closes` on `days` (mon..sun) or `dates`, or
    every day when neither is given; a window closing before it opens runs overnight."""

    days: tuple[str, ...] | None
    dates: tuple[date, ...] | None
    opens: time
    closes: time

    def on(self, day: date) -> bool:
        """Whether the window opens on `day`."""
        if self.dates is not None and day not in self.dates:
            return False
        return self.days is None or WEEKDAYS[day.weekday()] in self.days

    def covers_day(self, day: date) -> bool:
        """Whether the member works some of `day`: the window opens on it, or opened overnight
        the day before."""
        return self.on(day) or (self.closes < self.opens and self.on(day - timedelta(days=1)))


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    agency: str
    skills: tuple[str, ...]
    #: When the member can work (the playbook's `available`); None: the whole operation.
    available: tuple[Window, ...] | None = None

    def works_on(self, day: date) -> bool:
        """Whether the member is on duty some of `day`, as the roster says."""
        return self.available is None or any(w.covers_day(day) for w in self.available)


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
    order: TeamOrder

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
        raise LoadoutError(_("loadout {path}: no such file").format(path=path)) from None
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
        order=read_team_order(data, ZoneInfo(zone)),
    )


def _member(m: dict[str, Any]) -> Member:
    windows = m.get("available")
    if windows is not None and not isinstance(windows, list):
        raise ValueError(f"member {quote(m.get('id'))}: available is a list of windows")
    return Member(
        str(m["id"]),
        str(m["name"]),
        str(m.get("agency") or ""),
        tuple(m.get("skills") or ()),
        None if windows is None else tuple(_window(w, m) for w in windows),
    )


def _window(w: dict[str, Any], m: dict[str, Any]) -> Window:
    """One availability window of member `m` (ValueError naming what is wrong)."""
    where = f"member {quote(m.get('id'))}: available"
    if not isinstance(w, dict):
        raise ValueError(f"{where}: a window is {{days|dates, from, to}}")
    days, dates = w.get("days"), w.get("dates")
    if days is not None and (not isinstance(days, list) or any(d not in WEEKDAYS for d in days)):
        raise ValueError(f"{where}: days are among {', '.join(WEEKDAYS)}, not {clip(str(days))}")
    try:
        on = None if dates is None else tuple(date.fromisoformat(str(d)) for d in dates)
        opens, closes = time.fromisoformat(str(w["from"])), time.fromisoformat(str(w["to"]))
    except (TypeError, ValueError, KeyError):
        raise ValueError(
            f"{where}: a window has dates as YYYY-MM-DD and from, to as HH:MM ({clip(str(w))})"
        ) from None
    return Window(None if days is None else tuple(days), on, opens, closes)


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
