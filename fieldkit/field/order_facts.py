"""The operation order in a loadout, read once: the team's leader and radio, its briefings and
debriefs, each visit's risk assessment (a loadout is hostile input: anything malformed is left
out, never failing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

#: The longest text of the order a device shows.
TEXT_MAX = 200
#: The most hazards or controls shown for one visit.
ITEMS_MAX = 12


@dataclass(frozen=True)
class Meeting:
    """A briefing or a debrief the team attends on a day."""

    kind: str
    start: datetime
    end: datetime
    place: str | None


@dataclass(frozen=True)
class VisitRisk:
    """A visit's risk assessment, as the briefing pack prints it."""

    level: str | None
    hazards: tuple[str, ...]
    controls: tuple[str, ...]
    min_team_size: int | None
    lead: str | None


@dataclass(frozen=True)
class TeamOrder:
    """What the device shows of the operation order for its team."""

    leader: str | None
    radio: str | None
    meetings: tuple[Meeting, ...]
    risks: dict[str, VisitRisk]


def read_team_order(data: dict[str, Any], zone: ZoneInfo) -> TeamOrder:
    """The order in a loadout's `data`: what is well formed, in meetings' time order."""
    team = data.get("team")
    team = team if isinstance(team, dict) else {}
    entries = data.get("meetings")
    found = (_meeting(e, zone) for e in (entries if isinstance(entries, list) else []))
    return TeamOrder(
        leader=_leader(team),
        radio=_radio(team),
        meetings=tuple(sorted((m for m in found if m), key=lambda m: m.start)),
        risks=_risks(data.get("assignments")),
    )


def _text(value: Any) -> str | None:
    """A string from the loadout, one line, clipped; None for anything else or empty."""
    if not isinstance(value, str):
        return None
    printable = "".join(c if c.isprintable() else " " for c in value[: TEXT_MAX * 4])
    line = " ".join(printable.split())[:TEXT_MAX]
    return line or None


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    found = (_text(item) for item in value[:ITEMS_MAX])
    return tuple(t for t in found if t)


def _leader(team: dict[str, Any]) -> str | None:
    leader = team.get("leader")
    return _text(leader.get("name")) if isinstance(leader, dict) else None


def _radio(team: dict[str, Any]) -> str | None:
    """The radio channel and call sign as one text, None when neither is given."""
    radio, call_sign = _text(team.get("radio")), _text(team.get("call_sign"))
    if radio and call_sign:
        return f"{radio} ({call_sign})"
    return radio or call_sign


def _meeting(entry: Any, zone: ZoneInfo) -> Meeting | None:
    if not isinstance(entry, dict) or entry.get("kind") not in ("briefing", "debrief"):
        return None
    try:
        start = datetime.fromisoformat(str(entry["start"])).astimezone(zone)
        end = datetime.fromisoformat(str(entry["end"])).astimezone(zone)
    except (KeyError, ValueError, TypeError, OverflowError):
        return None
    return Meeting(str(entry["kind"]), start, end, _text(entry.get("place")))


def _risks(entries: Any) -> dict[str, VisitRisk]:
    """Each visit's assessment (the first entry of a visit counts, as the plan wrote it)."""
    seen: dict[str, VisitRisk | None] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("visit"), str):
            seen.setdefault(entry["visit"], _risk(entry.get("risk")))
    return {visit: risk for visit, risk in seen.items() if risk is not None}


def _risk(risk: Any) -> VisitRisk | None:
    if not isinstance(risk, dict):
        return None
    size = risk.get("min_team_size")
    return VisitRisk(
        level=_text(risk.get("level")),
        hazards=_texts(risk.get("hazards")),
        controls=_texts(risk.get("controls")),
        min_team_size=size if type(size) is int and 0 < size < 100 else None,
        lead=_text(risk.get("lead")),
    )
