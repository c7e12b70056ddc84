"""Loadouts made straight from a playbook, without the planner: for tests, benches and demos."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldkit.field.loadout import LOADOUT_FORMAT
from fieldkit.playbook import Activity, Playbook, Team, load_playbook
from fieldkit.private_files import write_private


def sample_loadouts(playbook: Playbook) -> dict[str, dict[str, Any]]:
    """One fieldkit-loadout/1 per team: every visit handed round-robin to teams with the skills.

    Not a plan (no rest rules, no travel): the shape of a real loadout, quickly.
    """
    visits = _visits_round_robin(playbook)
    venues = [
        {
            "id": v.id,
            "name": v.name,
            "type": v.type,
            "lat": v.location[0] if v.location else None,
            "lon": v.location[1] if v.location else None,
        }
        for v in playbook.venues
    ]
    plan_sha = hashlib.sha256(playbook.model_dump_json().encode()).hexdigest()
    return {
        team.id: {
            "format": LOADOUT_FORMAT,
            "operation": _operation_entry(playbook),
            "team": _team_entry(playbook, team),
            "assignments": sorted(visits[team.id], key=lambda a: a["start"]),
            "venues": venues,
            "codes": playbook.codebook.to_dict(),
            "helplines": [h.model_dump() for h in playbook.helplines],
            "leaflet": playbook.leaflet.model_dump() if playbook.leaflet else None,
            "plan_sha256": plan_sha,
            "issued": datetime.now(UTC).isoformat(timespec="seconds"),
            "central": None,
        }
        for team in playbook.teams
    }


def _visits_round_robin(playbook: Playbook) -> dict[str, list[dict[str, Any]]]:
    """team id -> its visits: each activity's venues one after another (15 min apart) from
    each window's opening, handed in turn to the teams with the skills (or to every team)."""
    skills = {
        t.id: {s for m in t.members for s in playbook.person(m).skills} for t in playbook.teams
    }
    visits: dict[str, list[dict[str, Any]]] = {t.id: [] for t in playbook.teams}
    turn = 0
    for activity in playbook.activities:
        able = [t.id for t in playbook.teams if set(activity.requires.skills) <= skills[t.id]]
        able = able or [t.id for t in playbook.teams]
        for day in playbook.operation.days:
            for n, window in enumerate(activity.when):
                if not window.on(day):
                    continue
                start = playbook.at(day, window.from_)
                close = playbook.at(window.closes_on(day), window.to)
                for venue in playbook.activity_venues(activity):
                    end = start + timedelta(minutes=activity.duration)
                    if end > close:
                        break
                    visit = f"{activity.id}-{day:%a}-{n}-{venue.id}".lower()
                    visits[able[turn % len(able)]].append(
                        _assignment_entry(visit, activity, venue.id, start, end)
                    )
                    turn += 1
                    start = end + timedelta(minutes=15)
    return visits


def _assignment_entry(
    visit: str, activity: Activity, venue: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """One assignment as a loadout lists it."""
    return {
        "visit": visit,
        "activity": activity.id,
        "activity_name": activity.name,
        "venue": venue,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "partners": list(activity.requires.partners),
        "skills": list(activity.requires.skills),
        "lead": None,
        "instructions": activity.instructions,
        "priority": activity.priority,
    }


def _operation_entry(playbook: Playbook) -> dict[str, Any]:
    """The operation as a loadout names it: id, name, dates, time zone, area."""
    op = playbook.operation
    return {
        "id": op.id,
        "name": op.name,
        "start": op.start.isoformat(),
        "end": op.end.isoformat(),
        "timezone": op.timezone,
        "area": op.area.model_dump(mode="json"),
    }


def _team_entry(playbook: Playbook, team: Team) -> dict[str, Any]:
    """The team and its members (name, agency, skills, contact)."""
    return {
        "id": team.id,
        "name": team.name,
        "call_sign": team.call_sign,
        "members": [
            {
                "id": p.id,
                "name": p.name,
                "agency": p.agency,
                "skills": list(p.skills),
                "contact": p.contact,
                "available": p.availability(),
            }
            for p in (playbook.person(m) for m in team.members)
        ],
    }


def write_sample_loadouts(playbook_path: Path, ops_root: Path) -> Path:
    """Write ops_root/OP/loadouts/TEAM.json for a playbook; returns the operation folder."""
    playbook = load_playbook(playbook_path)
    folder = ops_root / playbook.operation.id
    for team, data in sample_loadouts(playbook).items():
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        write_private(folder / "loadouts" / f"{team}.json", text)
    return folder
