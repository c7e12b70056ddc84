"""Special instructions that follow from the rules: who leads, who must be there."""

from __future__ import annotations

from fieldkit.i18n import N_
from fieldkit.plan.briefing_words import ENGLISH, Words
from fieldkit.plan.records import Assignment, Plan

LEADS = N_("{skill} leads")
PRESENT = N_("{skill} present")


def special_instructions(plan: Plan, assignment: Assignment, words: Words = ENGLISH) -> list[str]:
    """E.g. "Female officer leads: PS Claire Hughes", "Romanian speaker present: ...", notes
    (the briefing's in its languages; the calendars' and loadouts' in English)."""
    pb = plan.playbook
    visit = plan.visit(assignment.visit)
    people = [pb.person(m) for m in pb.team(assignment.team).members]
    book = pb.codebook
    out: list[str] = []

    def label(code: str, kind: str) -> object:
        return book[kind].get(code) or code

    if visit.lead:
        leads = [p.name for p in people if visit.lead in p.skills]
        out.append(words._(LEADS, skill=label(visit.lead, "skills")) + ": " + ", ".join(leads))
    for skill in visit.skills:
        if skill == visit.lead:
            continue
        who = [p.name for p in people if skill in p.skills]
        out.append(words._(PRESENT, skill=label(skill, "skills")) + ": " + ", ".join(who))
    for partner in visit.partners:
        who = [p.name for p in people if p.agency == partner]
        out.append(words._(PRESENT, skill=label(partner, "partners")) + ": " + ", ".join(who))
    if visit.instructions:
        out.append(visit.instructions.strip())
    notes = pb.venue(visit.venue).notes
    if notes:
        out.append(words._("Venue") + f": {notes.strip()}")
    return out
