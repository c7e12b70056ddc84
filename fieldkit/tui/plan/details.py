"""What the Plan screen says in words: the solver's account, an assignment, the unassigned."""

from __future__ import annotations

from datetime import date

from fieldkit.plan.records import Assignment, Plan
from fieldkit.plan.rules import Rules
from fieldkit.tui.plan.grid import short, type_label


def summary(plan: Plan, source: str, op: str) -> str:
    """Three lines: the operation and how much is planned; the solver's account; the files."""
    s = plan.solver
    return (
        f"{plan.playbook.operation.name}: {len(plan.assignments)} of {len(plan.visits)} visits "
        f"planned\n{s.status} · objective {s.objective:,.0f}, bound {s.bound:,.0f}, "
        f"gap {s.gap:.2%} · {s.seconds:.1f} s\nfrom {source} · exports to ops/{op}/"
    )


def _codes(plan: Plan, kind: str, codes: tuple[str, ...] | frozenset[str]) -> str:
    book = plan.playbook.codebook.skills if kind == "skills" else plan.playbook.codebook.partners
    words = []
    for code in sorted(codes):
        found = book.get(code)
        words.append(short(found.en) if found else code)
    return ", ".join(words) if words else "none"


def _previous_place(plan: Plan, a: Assignment) -> str:
    """Where the team comes from: its previous venue that day, else its base."""
    day = plan.visit(a.visit).day
    before = [
        b for b in plan.of_team(a.team) if b.start < a.start and plan.visit(b.visit).day == day
    ]
    if before:
        return plan.playbook.venue(plan.visit(before[-1].visit).venue).name
    base = plan.teams[a.team].base
    return plan.playbook.venue(base).name if base else "the start of the day"


def assignment_details(plan: Plan, visit_id: str) -> str:
    """Everything about one visit: what, where, when, who, what it needs, the travel."""
    rules = Rules(plan.playbook)
    visit = plan.visit(visit_id)
    venue = plan.playbook.venue(visit.venue)
    found = [a for a in plan.assignments if a.visit == visit_id]
    lines = [visit_id, visit.activity_name, ""]
    lines.append(f"Venue     {venue.name} ({type_label(plan, venue.type)})")
    lines.append(
        f"Window    {rules.span(visit.day, *visit.window)}, {visit.duration} min, "
        f"priority {visit.priority}"
    )
    lines.append(f"Needs     skills: {_codes(plan, 'skills', visit.skills)}")
    lines.append(f"          partners: {_codes(plan, 'partners', visit.partners)}")
    if visit.lead:
        lines.append(f"Lead      {_codes(plan, 'skills', (visit.lead,))}")
    if not found:
        lines.append("Team      not planned (see the unassigned list)")
        return "\n".join(lines)
    a = found[0]
    team = plan.playbook.team(a.team)
    lines.append(f"Time      {rules.when(a.start)}-{rules.hhmm(a.end)}")
    lines.append(f"Team      {team.name}{'   LOCKED' if a.locked else ''}")
    for member in team.members:
        person = plan.playbook.person(member)
        lines.append(f"          {person.name} · {_codes(plan, 'partners', (person.agency,))}")
    lines.append(f"Travel    {a.travel_min} min from {_previous_place(plan, a)}")
    return "\n".join(lines)


def empty_cell(plan: Plan, day: date | None, team_id: str | None) -> str:
    """What an empty cell (or the day column) shows in the details."""
    if day is None:
        return "Nothing here."
    if team_id is None:
        planned = [a for a in plan.assignments if plan.visit(a.visit).day == day]
        return f"{day:%A %d %B}: {len(planned)} visits planned."
    return f"{day:%A %d %B}: nothing planned for {team_id} at this point of the day."


def unassigned_text(plan: Plan) -> str:
    """Each visit not in the plan, with the reasons the core derived."""
    if not plan.unassigned:
        return "Every visit is planned."
    lines: list[str] = []
    for visit_id, reasons in plan.unassigned.items():
        lines.append(visit_id)
        lines.extend(f"  - {reason}" for reason in reasons)
    return "\n".join(lines)


def team_choices(plan: Plan, current: str | None) -> list[tuple[str, str]]:
    """(team id, label) of each team a visit could be moved to."""
    return [(t.id, f"{t.id}   {t.name}") for t in plan.playbook.teams if t.id != current]
