"""Device loadouts: loadouts/TEAM.json, what a field device needs for one team."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fieldkit.plan.export_json import member_dicts, operation_dict, venue_dicts
from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.loadout_order import (
    communications_dict,
    leader_dict,
    meeting_dicts,
    risk_dict,
)
from fieldkit.plan.records import Plan
from fieldkit.plan.visits import Clock

FORMAT = "fieldkit-loadout/1"


def loadout_dict(plan: Plan, team_id: str, plan_sha256: str) -> dict[str, Any]:
    pb = plan.playbook
    team = pb.team(team_id)
    clock = Clock(pb)
    members = member_dicts(plan, team.id)
    for m in members:  # who is on duty which day: the device counts partners present from it
        m["available"] = pb.person(m["id"]).availability()
    assignments = []
    for a in plan.of_team(team_id):
        v = plan.visit(a.visit)
        assignments.append(
            {
                "visit": v.id,
                "activity": v.activity,
                "activity_name": v.activity_name,
                "venue": v.venue,
                "start": clock.iso(a.start),
                "end": clock.iso(a.end),
                "partners": list(v.partners),
                "skills": list(v.skills),
                "lead": v.lead,
                "instructions": special_instructions(plan, a),
                "priority": v.priority,
                "risk": risk_dict(pb, v.venue),
            }
        )
    data = {
        "format": FORMAT,
        "operation": operation_dict(plan),
        "team": {
            "id": team.id,
            "name": team.name,
            "call_sign": team.call_sign,
            "radio": team.radio,
            "leader": leader_dict(pb, team),
            "members": members,
        },
        "meetings": meeting_dicts(plan, team),
        "marking": pb.marking,
        "communications": communications_dict(pb),
        "assignments": assignments,
        "venues": venue_dicts(plan),
        "codes": pb.codebook.to_dict(),
        "helplines": [{"name": h.name, "phone": h.phone, "hours": h.hours} for h in pb.helplines],
        "leaflet": {"en": pb.leaflet.en, "ro": pb.leaflet.ro} if pb.leaflet else None,
        "plan_sha256": plan_sha256,
        "issued": datetime.now(UTC).isoformat(timespec="seconds"),
        "central": None,
    }
    if pb.retention is not None:  # review periods (codes/retention.py), if the playbook sets any
        data["retention"] = pb.retention.to_dict()
    return data
