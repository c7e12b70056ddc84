"""What a team's loadout carries of the operation order: leader, radio, meetings, risk controls."""

from __future__ import annotations

from typing import Any

from fieldkit.plan.records import Plan
from fieldkit.plan.visits import Clock
from fieldkit.playbook.models import Playbook, Team
from fieldkit.playbook.order import Contact


def _contact(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {"name": contact.name, "role": contact.role, "contact": contact.contact}


def leader_dict(pb: Playbook, team: Team) -> dict[str, Any] | None:
    """loadout team.leader: {id, name, contact} of the team leader (None: not named)."""
    if team.leader is None:
        return None
    person = pb.person(team.leader)
    return {"id": person.id, "name": person.name, "contact": person.contact}


def meeting_dicts(plan: Plan, team: Team) -> list[dict[str, Any]]:
    """loadout `meetings`: the team's daily briefings and debriefs, each day, in time order:
    {kind: "briefing" | "debrief", day, start, end (ISO 8601), venue, place, room}."""
    pb = plan.playbook
    clock = Clock(pb)
    out = []
    for kind, meeting in zip(("briefing", "debrief"), pb.meetings(team), strict=True):
        if meeting is None:
            continue
        venue = meeting.venue or team.base
        for day in pb.operation.days:
            if not meeting.on(day):
                continue
            start = clock.at(day, meeting.at)
            out.append(
                {
                    "kind": kind,
                    "day": day.isoformat(),
                    "start": clock.iso(start),
                    "end": clock.iso(start + meeting.minutes),
                    "venue": venue,
                    "place": pb.venue(venue).name if venue else None,
                    "room": meeting.room,
                }
            )
    return sorted(out, key=lambda m: m["start"])


def risk_dict(pb: Playbook, venue_id: str) -> dict[str, Any] | None:
    """An assignment's `risk`: the venue's assessment {level, hazards, controls,
    min_team_size, lead} (its type's and its own together), None when it has none."""
    risk = pb.venue_risk(venue_id)
    if risk is None:
        return None
    planning = risk.planning
    return {
        "level": risk.level,
        "hazards": list(risk.hazards),
        "controls": list(risk.controls),
        "min_team_size": planning.min_team_size if planning else None,
        "lead": planning.lead if planning else None,
    }


def communications_dict(pb: Playbook) -> dict[str, Any] | None:
    """loadout `communications`: {talk_group, control_room {name, role, contact}, notes}."""
    comms = pb.communications
    if comms is None:
        return None
    return {
        "talk_group": comms.talk_group,
        "control_room": _contact(comms.control_room),
        "notes": list(comms.notes),
    }
