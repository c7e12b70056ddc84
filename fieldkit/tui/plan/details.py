"""What the Plan screen says in words: the solver's account, an assignment, the unassigned."""

from __future__ import annotations

from datetime import date

from fieldkit.i18n import N_, _, label, ngettext
from fieldkit.plan.records import Assignment, Plan
from fieldkit.plan.rules import Rules
from fieldkit.plan.status_words import status_word
from fieldkit.tui.dates import shown_day
from fieldkit.tui.plan.grid import short, type_label

LABEL_WIDTH = 10
"""The details' labels (Venue, Window...) are padded to one column."""


def labelled(name: str, text: str) -> str:
    """One line of the details: its label `name` (translated), padded, then `text`."""
    return (_(name) if name else "").ljust(LABEL_WIDTH) + text


def summary(plan: Plan, source: str, op: str) -> str:
    """Three lines: the operation and how much is planned; the solver's account; the files."""
    s = plan.solver
    return _(
        "{operation}: {planned} of {visits} visits planned\n"
        "{status} · objective {objective}, bound {bound}, gap {gap} · {seconds} s\n"
        "from {source} · exports to ops/{op}/"
    ).format(
        operation=plan.playbook.operation.name,
        planned=len(plan.assignments),
        visits=len(plan.visits),
        status=status_word(s.status),
        objective=f"{s.objective:,.0f}",
        bound=f"{s.bound:,.0f}",
        gap=f"{s.gap:.2%}",
        seconds=f"{s.seconds:.1f}",
        source=source,
        op=op,
    )


def _codes(plan: Plan, kind: str, codes: tuple[str, ...] | frozenset[str]) -> str:
    book = plan.playbook.codebook.skills if kind == "skills" else plan.playbook.codebook.partners
    words = []
    for code in sorted(codes):
        found = book.get(code)
        words.append(short(label(found)) if found else code)
    return ", ".join(words) if words else _("none")


def _previous_place(plan: Plan, a: Assignment) -> str:
    """Where the team comes from: its previous venue that day, else its base."""
    day = plan.visit(a.visit).day
    before = [
        b for b in plan.of_team(a.team) if b.start < a.start and plan.visit(b.visit).day == day
    ]
    if before:
        return plan.playbook.venue(plan.visit(before[-1].visit).venue).name
    base = plan.teams[a.team].base
    return plan.playbook.venue(base).name if base else _("the start of the day")


def assignment_details(plan: Plan, visit_id: str) -> str:
    """Everything about one visit: what, where, when, who, what it needs, the travel."""
    rules = Rules(plan.playbook)
    visit = plan.visit(visit_id)
    venue = plan.playbook.venue(visit.venue)
    found = [a for a in plan.assignments if a.visit == visit_id]
    lines = [visit_id, visit.activity_name, ""]
    lines.append(labelled(N_("Venue"), f"{venue.name} ({type_label(plan, venue.type)})"))
    window = _("{span}, {minutes} min, priority {priority}").format(
        span=rules.span(visit.day, *visit.window), minutes=visit.duration, priority=visit.priority
    )
    lines.append(labelled(N_("Window"), window))
    skills = _codes(plan, "skills", visit.skills)
    lines.append(labelled(N_("Needs"), _("skills: {skills}").format(skills=skills)))
    partners = _codes(plan, "partners", visit.partners)
    lines.append(labelled("", _("partners: {partners}").format(partners=partners)))
    if visit.lead:
        lines.append(labelled(N_("Lead"), _codes(plan, "skills", (visit.lead,))))
    if not found:
        lines.append(labelled(N_("Team"), _("not planned (see the unassigned list)")))
        return "\n".join(lines)
    a = found[0]
    team = plan.playbook.team(a.team)
    lines.append(labelled(N_("Time"), f"{rules.when(a.start)}-{rules.hhmm(a.end)}"))
    locked = "   " + _("LOCKED") if a.locked else ""
    lines.append(labelled(N_("Team"), f"{team.name}{locked}"))
    for member in team.members:
        person = plan.playbook.person(member)
        lines.append(labelled("", f"{person.name} · {_codes(plan, 'partners', (person.agency,))}"))
    travel = _("{minutes} min from {place}").format(
        minutes=a.travel_min, place=_previous_place(plan, a)
    )
    lines.append(labelled(N_("Travel"), travel))
    return "\n".join(lines)


def empty_cell(plan: Plan, day: date | None, team_id: str | None) -> str:
    """What an empty cell (or the day column) shows in the details."""
    if day is None:
        return _("Nothing here.")
    shown = shown_day(day, "%A %d %B", "EEEE d MMMM")
    if team_id is None:
        planned = [a for a in plan.assignments if plan.visit(a.visit).day == day]
        count = len(planned)
        return ngettext(
            "{day}: {count} visits planned.", "{day}: {count} visits planned.", count
        ).format(day=shown, count=count)
    return _("{day}: nothing planned for {team} at this point of the day.").format(
        day=shown, team=team_id
    )


def unassigned_text(plan: Plan) -> str:
    """Each visit not in the plan, with the reasons the core derived."""
    if not plan.unassigned:
        return _("Every visit is planned.")
    lines: list[str] = []
    for visit_id, reasons in plan.unassigned.items():
        lines.append(visit_id)
        lines.extend(f"  - {reason}" for reason in reasons)
    return "\n".join(lines)


def team_choices(plan: Plan, current: str | None) -> list[tuple[str, str]]:
    """(team id, label) of each team a visit could be moved to."""
    return [(t.id, f"{t.id}   {t.name}") for t in plan.playbook.teams if t.id != current]
