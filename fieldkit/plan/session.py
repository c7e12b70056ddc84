"""A plan being worked on: opened from ops/, moved, locked and unlocked (plan/service.py solves
and writes it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldkit.plan.geocode import CACHE_NAME, geocode_playbook
from fieldkit.plan.locks import Lock
from fieldkit.plan.records import Plan, SolverReport
from fieldkit.plan.rules import Rules
from fieldkit.plan.service import PlanSession
from fieldkit.plan.solve import make_plan, objective_of, place_move
from fieldkit.plan.visits import all_team_facts, expand_visits
from fieldkit.plan.write import PlanFileError, load_plan_file
from fieldkit.playbook.models import Playbook
from fieldkit.workspace import Workspace


def open_operation(ws: Workspace, op: str) -> PlanSession:
    """ops/OP/plan.json back in memory, against its playbook; unassigned reasons re-derived."""
    path = ws.ops / op / "plan.json"
    doc, book, warnings = load_plan_file(path, ws.root)
    book = geocode_playbook(book, ws.ops / CACHE_NAME)
    try:
        plan = _plan_from_doc(doc, book)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{ws.shown(path)}: not a readable plan ({exc})") from None
    source = Path(str(doc["playbook"]["path"]))
    playbook_file = source if source.is_absolute() else ws.root / source
    return PlanSession(plan, playbook_file, op, ws.shown(path), warnings)


def _plan_from_doc(doc: dict[str, Any], book: Playbook) -> Plan:
    visits = expand_visits(book)
    teams = all_team_facts(book)
    rules = Rules(book)
    known = {v.id for v in visits}
    chosen: dict[str, tuple[str, int]] = {}
    locked: set[str] = set()
    for entry in doc["assignments"]:
        if entry["visit"] not in known or entry["team"] not in teams:
            raise ValueError(
                f"assignment of {entry['visit']} to {entry['team']} does not match the playbook"
            )
        start = rules.clock.minute(datetime.fromisoformat(entry["start"]))
        chosen[entry["visit"]] = (entry["team"], start)
        if entry.get("locked"):
            locked.add(entry["visit"])
    s = doc["solver"]
    report = SolverReport(
        str(s["status"]),
        float(s["objective"]),
        float(s["bound"]),
        float(s["gap"]),
        float(s["seconds"]),
        int(s["seed"]),
        float(s["time_limit"]),
    )
    return make_plan(book, visits, teams, rules, chosen, report, locked)


def _rebuilt(plan: Plan, chosen: dict[str, tuple[str, int]], locked: set[str]) -> Plan:
    """The plan with `chosen` as its assignments; no longer known to be optimal."""
    report = replace(plan.solver)
    book = plan.playbook
    out = make_plan(book, plan.visits, plan.teams, Rules(book), chosen, report, locked)
    report.status = "FEASIBLE"
    report.objective = float(objective_of(out))
    report.gap = abs(report.bound - report.objective) / max(1.0, abs(report.bound))
    return out


def move(plan: Plan, visit_id: str, team_id: str) -> tuple[Plan | None, list[str]]:
    """Give the visit to `team_id` at its earliest fitting start, locked; else the broken rules."""
    start, broken = place_move(plan, visit_id, team_id)
    if start is None:
        return None, broken or [f"no time when {team_id} can take {visit_id}"]
    chosen = {a.visit: (a.team, a.start) for a in plan.assignments}
    chosen[visit_id] = (team_id, start)
    locked = {a.visit for a in plan.assignments if a.locked} | {visit_id}
    return _rebuilt(plan, chosen, locked), []


def toggle_lock(plan: Plan, visit_id: str) -> Plan:
    """The plan with the assignment of `visit_id` locked (or unlocked when it was)."""
    assignments = [
        replace(a, locked=not a.locked) if a.visit == visit_id else a for a in plan.assignments
    ]
    return replace(plan, assignments=assignments)


def locks_of(plan: Plan) -> list[Lock]:
    """The plan's locked assignments, as locks for a re-solve."""
    return [Lock(a.visit, a.team, a.start) for a in plan.assignments if a.locked]
