"""The operation order as a device shows it: the team's leader and radio, the day's briefing and
debrief, a visit's risk controls (read from the loadout; anything malformed is left out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fieldkit.field.loadout import Loadout
from fieldkit.i18n import N_, _

#: The longest text of the order a device shows (a loadout is read as hostile input).
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


def team_leader(loadout: Loadout) -> str | None:
    """The team leader's name (the playbook's `leader`), None when not given."""
    team = loadout.data.get("team")
    leader = team.get("leader") if isinstance(team, dict) else None
    return _text(leader.get("name")) if isinstance(leader, dict) else None


def team_radio(loadout: Loadout) -> str | None:
    """The team's radio channel and call sign, as one text, None when neither is given."""
    team = loadout.data.get("team")
    if not isinstance(team, dict):
        return None
    radio, call_sign = _text(team.get("radio")), _text(team.get("call_sign"))
    if radio and call_sign:
        return f"{radio} ({call_sign})"
    return radio or call_sign


def meetings_on(loadout: Loadout, day: date) -> list[Meeting]:
    """The team's briefings and debriefs held on `day` (local), in time order."""
    found = []
    entries = loadout.data.get("meetings")
    for entry in entries if isinstance(entries, list) else []:
        meeting = _meeting(entry, loadout)
        if meeting is not None and meeting.start.date() == day:
            found.append(meeting)
    return sorted(found, key=lambda m: m.start)


def _meeting(entry: Any, loadout: Loadout) -> Meeting | None:
    if not isinstance(entry, dict) or entry.get("kind") not in ("briefing", "debrief"):
        return None
    try:
        start = datetime.fromisoformat(str(entry["start"])).astimezone(loadout.zone)
        end = datetime.fromisoformat(str(entry["end"])).astimezone(loadout.zone)
    except (KeyError, ValueError, TypeError):
        return None
    return Meeting(str(entry["kind"]), start, end, _text(entry.get("place")))


def visit_risk(loadout: Loadout, visit: str) -> VisitRisk | None:
    """The risk assessment of the team's visit `visit`, None when it has none."""
    entries = loadout.data.get("assignments")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("visit") == visit:
            return _risk(entry.get("risk"))
    return None


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


MEETING_WORDS = {"briefing": N_("Briefing"), "debrief": N_("Debrief")}


def order_line(loadout: Loadout, day: date) -> str:
    """One line for Log mode's header: leader, radio, the day's briefing and debrief times."""
    parts = []
    leader, radio = team_leader(loadout), team_radio(loadout)
    if leader:
        parts.append(_("Leader {name}").format(name=leader))
    if radio:
        parts.append(_("Radio {radio}").format(radio=radio))
    for meeting in meetings_on(loadout, day):
        kind = _(MEETING_WORDS.get(meeting.kind, meeting.kind.capitalize()))
        parts.append(f"{kind} {meeting.start:%H:%M}")
    return " · ".join(parts) if parts else _("No leader, radio or briefing in the plan")


def risk_lines(risk: VisitRisk | None) -> list[str]:
    """The risk controls of a visit as lines to show when it is selected."""
    if risk is None:
        return [_("Risk: no assessment for this visit in the plan")]
    head = _("Risk {level}").format(level=risk.level) if risk.level else _("Risk")
    rules = []
    if risk.min_team_size:
        rules.append(_("at least {count} officers").format(count=risk.min_team_size))
    if risk.lead:
        rules.append(_("lead: {who}").format(who=risk.lead.replace("_", " ")))
    lines = [head + (f" ({'; '.join(rules)})" if rules else "")]
    lines += [_("  control: {text}").format(text=c) for c in risk.controls]
    lines += [_("  hazard: {text}").format(text=h) for h in risk.hazards]
    return lines
