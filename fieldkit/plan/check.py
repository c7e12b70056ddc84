"""The independent check: every hard rule of a plan.json re-verified from the playbook."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit, all_team_facts, expand_visits
from fieldkit.playbook.models import Playbook, Team


def _make_up(playbook: Playbook, doc_teams: list[dict[str, Any]]) -> list[str]:
    out = []
    rules = playbook.rules.team
    known: dict[Any, Team] = {t.id: t for t in playbook.teams}
    for team_id in sorted(known.keys() - {entry.get("id") for entry in doc_teams}):
        out.append(f"team: {team_id} is in the playbook but missing from the plan")
    for entry in doc_teams:
        team = known.get(entry.get("id"))
        if team is None:
            out.append(f"team: {entry.get('id')} is not a team of the playbook")
            continue
        members = [m.get("id") for m in entry.get("members", [])]
        if members != list(team.members):
            out.append(
                f"team: {team.id}'s members in the plan ({', '.join(map(str, members))}) "
                f"differ from the playbook ({', '.join(team.members)})"
            )
    for team in playbook.teams:
        people = [playbook.person(m) for m in team.members]
        if len(people) < rules.min_size:
            out.append(
                f"team make-up: {team.id} has {len(people)} members; min_size is {rules.min_size}"
            )
        if rules.max_size is not None and len(people) > rules.max_size:
            out.append(
                f"team make-up: {team.id} has {len(people)} members; max_size is {rules.max_size}"
            )
        for skill in rules.every_team_has:
            if not any(skill in p.skills for p in people):
                out.append(f"team make-up: {team.id} has no member with {skill} (every_team_has)")
    return out


def check_plan(doc: dict[str, Any], playbook: Playbook) -> list[str]:
    """Every violation found, each naming its rule; [] when the plan keeps every hard rule."""
    if doc.get("format") != "fieldkit-plan/1":
        return [f"format: expected fieldkit-plan/1, found {doc.get('format')!r}"]
    rules = Rules(playbook)
    visits = {v.id: v for v in expand_visits(playbook)}
    teams = all_team_facts(playbook)
    out = _make_up(playbook, doc.get("teams", []))
    out += _visit_list(doc, visits, rules)
    counts = Counter(a.get("visit") for a in doc.get("assignments", []))
    for vid, n in counts.items():
        if n > 1:
            out.append(f"one team per visit: {vid} is assigned {n} times")
    items = _team_items(doc, visits, teams, rules, out)
    for tid, team_items in sorted(items.items()):
        out += [str(b) for b in rules.team_rules(teams[tid], team_items)]
    out += _unassigned(doc, visits, counts)
    return out


def _visit_list(doc: dict[str, Any], visits: dict[str, Visit], rules: Rules) -> list[str]:
    """The plan lists the playbook's visits, each as the playbook asks for it."""
    out = []
    listed = {v.get("id"): v for v in doc.get("visits", [])}
    for vid in sorted(set(visits) - set(listed)):
        out.append(f"visits: {vid} is asked for by the playbook but missing from the plan")
    for vid in sorted(set(listed) - set(visits)):
        out.append(f"visits: {vid} is in the plan but not asked for by the playbook")
    for vid, entry in listed.items():
        v = visits.get(vid)
        if v is None:
            continue
        expected = {
            "window_start": rules.clock.iso(v.window[0]),
            "window_end": rules.clock.iso(v.window[1]),
            "duration_min": v.duration,
            "skills": list(v.skills),
            "partners": list(v.partners),
            "venue": v.venue,
        }
        for key, value in expected.items():
            if entry.get(key) != value:
                out.append(
                    f"visits: {vid} {key} is {entry.get(key)!r}; the playbook says {value!r}"
                )
    return out


def _team_items(
    doc: dict[str, Any],
    visits: dict[str, Visit],
    teams: dict[str, TeamFacts],
    rules: Rules,
    out: list[str],
) -> dict[str, list[Item]]:
    """Each team's (visit, start) from the assignments; what is wrong in one goes to `out`."""
    items: dict[str, list[Item]] = defaultdict(list)
    for a in doc.get("assignments", []):
        vid, tid = a.get("visit"), a.get("team")
        if vid not in visits:
            out.append(f"assignments: unknown visit {vid}")
            continue
        if tid not in teams:
            out.append(f"assignments: {vid} is given to unknown team {tid}")
            continue
        try:
            start = rules.clock.minute(datetime.fromisoformat(a["start"]))
            end = rules.clock.minute(datetime.fromisoformat(a["end"]))
        except (KeyError, TypeError, ValueError):
            out.append(f"assignments: {vid} has no valid start/end (ISO 8601 with offset)")
            continue
        if end - start != visits[vid].duration:
            out.append(
                f"duration: {vid} lasts {end - start} min; the activity takes "
                f"{visits[vid].duration} min"
            )
        items[tid].append((visits[vid], start))
    return items


def _unassigned(doc: dict[str, Any], visits: dict[str, Visit], counts: Counter[Any]) -> list[str]:
    """Every visit is either assigned or listed as unassigned with its reasons, not both."""
    out = []
    unassigned = {u.get("visit"): u for u in doc.get("unassigned", [])}
    for vid in visits:
        if vid not in counts and vid not in unassigned:
            out.append(f"unassigned: {vid} is neither assigned nor listed as unassigned")
        if vid in counts and vid in unassigned:
            out.append(f"unassigned: {vid} is both assigned and listed as unassigned")
        if vid in unassigned and not unassigned[vid].get("reasons"):
            out.append(f"unassigned: {vid} has no reasons")
    return out
