"""plan.json: the plan as a stable document (see docs/plan-json.md), written atomically."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fieldkit.plan.records import Plan
from fieldkit.plan.revisits import revisit_dicts
from fieldkit.plan.visits import Clock
from fieldkit.private_files import write_private

FORMAT = "fieldkit-plan/1"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write whole or not at all, owner-only (0600; folders made 0700): loadouts hold secrets."""
    write_private(path, data, durable=False)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def operation_dict(plan: Plan) -> dict[str, Any]:
    op = plan.playbook.operation
    return {
        "id": op.id,
        "name": op.name,
        "start": op.start.isoformat(),
        "end": op.end.isoformat(),
        "timezone": op.timezone,
        "area": {
            "name": op.area.name,
            "centre": list(op.area.centre),
            "outline": [list(p) for p in op.area.outline] if op.area.outline else None,
        },
    }


def member_dicts(plan: Plan, team_id: str) -> list[dict[str, Any]]:
    team = plan.playbook.team(team_id)
    return [
        {
            "id": p.id,
            "name": p.name,
            "agency": p.agency,
            "skills": list(p.skills),
            "contact": p.contact,
        }
        for p in (plan.playbook.person(m) for m in team.members)
    ]


def venue_dicts(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "id": v.id,
            "name": v.name,
            "type": v.type,
            "lat": v.location[0] if v.location else None,
            "lon": v.location[1] if v.location else None,
        }
        for v in plan.playbook.venues
    ]


def plan_dict(plan: Plan, playbook_path: str, playbook_sha256: str) -> dict[str, Any]:
    """The whole plan.json document (`revisits` only when the plan has some)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "operation": operation_dict(plan),
        "teams": team_dicts(plan),
        "venues": venue_dicts(plan),
        "visits": visit_dicts(plan),
        "assignments": assignment_dicts(plan),
        "unassigned": [
            {"visit": vid, "reasons": reasons} for vid, reasons in plan.unassigned.items()
        ],
        "solver": solver_dict(plan),
        "playbook": {"path": playbook_path, "sha256": playbook_sha256},
    }
    revisits = revisit_dicts(plan.playbook)
    if revisits:
        doc["revisits"] = revisits
    return doc


def team_dicts(plan: Plan) -> list[dict[str, Any]]:
    """Each team: its name, call sign, base, members, and the skills and partners it has."""
    return [
        {
            "id": t.id,
            "name": t.name,
            "call_sign": t.call_sign,
            "base": t.base,
            "members": member_dicts(plan, t.id),
            "skills": sorted(plan.teams[t.id].skills),
            "partners": sorted(plan.teams[t.id].partners),
        }
        for t in plan.playbook.teams
    ]


def visit_dicts(plan: Plan) -> list[dict[str, Any]]:
    """Each visit the playbook asks for: where, its window, how long, what it needs."""
    clock = Clock(plan.playbook)
    return [
        {
            "id": v.id,
            "activity": v.activity,
            "activity_name": v.activity_name,
            "venue": v.venue,
            "day": v.day.isoformat(),
            "window_start": clock.iso(v.window[0]),
            "window_end": clock.iso(v.window[1]),
            "duration_min": v.duration,
            "skills": list(v.skills),
            "partners": list(v.partners),
            "priority": v.priority,
            "lead": v.lead,
        }
        for v in plan.visits
    ]


def assignment_dicts(plan: Plan) -> list[dict[str, Any]]:
    """Each assignment: which team makes which visit when, the travel before it, locked."""
    clock = Clock(plan.playbook)
    return [
        {
            "visit": a.visit,
            "team": a.team,
            "start": clock.iso(a.start),
            "end": clock.iso(a.end),
            "travel_min": a.travel_min,
            "locked": a.locked,
        }
        for a in plan.assignments
    ]


def solver_dict(plan: Plan) -> dict[str, Any]:
    """What the solver reports, and the visits and priority the plan covers of the total."""
    s = plan.solver
    return {
        "status": s.status,
        "objective": s.objective,
        "bound": s.bound,
        "gap": round(s.gap, 6),
        "seconds": round(s.seconds, 3),
        "seed": s.seed,
        "time_limit": s.time_limit,
        "covered_visits": len(plan.assignments),
        "total_visits": len(plan.visits),
        "covered_priority": s.covered_priority,
        "total_priority": sum(v.priority for v in plan.visits),
    }


def summary_dict(doc: dict[str, Any], folder: str, files: list[str]) -> dict[str, Any]:
    """What `fieldkit plan --json` prints: stable, documented in docs/plan-json.md."""
    return {
        "format": "fieldkit-plan-summary/1",
        "operation": doc["operation"]["id"],
        "folder": folder,
        "status": doc["solver"]["status"],
        "objective": doc["solver"]["objective"],
        "bound": doc["solver"]["bound"],
        "gap": doc["solver"]["gap"],
        "seconds": doc["solver"]["seconds"],
        "visits": len(doc["visits"]),
        "assigned": len(doc["assignments"]),
        "unassigned": [u["visit"] for u in doc["unassigned"]],
        "revisits": doc.get("revisits", []),
        "files": files,
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
