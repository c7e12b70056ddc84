"""Special instructions that follow from the rules: who leads, who must be there."""

from __future__ import annotations

from fieldkit.plan.records import Assignment, Plan


def special_instructions(plan: Plan, assignment: Assignment) -> list[str]:
    """E.g. "Female officer leads: PS Claire Hughes", "Romanian speaker present: ...", notes."""
    pb = plan.playbook
    visit = plan.visit(assignment.visit)
    people = [pb.person(m) for m in pb.team(assignment.team).members]
    book = pb.codebook
    out: list[str] = []

    def label(code: str, kind: str) -> str:
        entry = book[kind].get(code)
        return entry.en if entry else code

    if visit.lead:
        leads = [p.name for p in people if visit.lead in p.skills]
        out.append(f"{label(visit.lead, 'skills')} leads: {', '.join(leads)}")
    for skill in visit.skills:
        if skill == visit.lead:
            continue
        who = [p.name for p in people if skill in p.skills]
        out.append(f"{label(skill, 'skills')} present: {', '.join(who)}")
    for partner in visit.partners:
        who = [p.name for p in people if p.agency == partner]
        out.append(f"{label(partner, 'partners')} present: {', '.join(who)}")
    if visit.instructions:
        out.append(visit.instructions.strip())
    notes = pb.venue(visit.venue).notes
    if notes:
        out.append(f"Venue: {notes.strip()}")
    return out
