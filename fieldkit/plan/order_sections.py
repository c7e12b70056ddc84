"""The seven IIMARCH sections of the operation order, from the playbook and the plan."""

from __future__ import annotations

from fieldkit.codes import CodeBook
from fieldkit.i18n import N_
from fieldkit.plan.briefing_blocks import NOT_GIVEN, Block, contact_line, label, meeting_line
from fieldkit.plan.briefing_words import ENGLISH, Words
from fieldkit.plan.records import Plan
from fieldkit.playbook.models import Playbook, Team
from fieldkit.playbook.order import Meeting, RiskAssessment

SECTIONS = (
    N_("Information"),
    N_("Intent"),
    N_("Method"),
    N_("Administration"),
    N_("Risk assessment"),
    N_("Communications"),
    N_("Humanitarian issues"),
)


def order_blocks(plan: Plan) -> list[Block]:
    """The operation order: a heading, then Information, Intent, Method, Administration,
    Risk assessment, Communications and Humanitarian issues, each numbered."""
    pb = plan.playbook
    writers = (
        _information,
        _intent,
        _method,
        _administration,
        _risk,
        _communications,
        _humanitarian,
    )
    w = Words(pb.languages)
    blocks: list[Block] = [("h", 1, w._("Operation order") + f": {pb.operation.name}")]
    for n, (title, write) in enumerate(zip(SECTIONS, writers, strict=True), start=1):
        blocks.append(("h", 2, f"{n}. {w._(title)}"))
        blocks += write(plan, w) or [("p", w._(NOT_GIVEN))]
    return blocks


def _information(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    op = pb.operation
    said = w._(
        "Operation {id}, {start:%a %d %b %Y} to {end:%a %d %b %Y} ({zone}), {area}.",
        id=op.id, start=op.start, end=op.end, zone=op.timezone, area=op.area.name,
    )  # fmt: skip
    out: list[Block] = [("p", said + (" " + w._("Lead") + f": {op.lead}." if op.lead else ""))]
    if op.description:
        out.append(("p", " ".join(op.description.split())))
    partners = [label(pb.codebook, "partners", p, w) for p in pb.partners]
    out.append(("p", w._("Partners") + ": " + "; ".join(partners) + "."))
    rows = [
        [t.name, _leader(pb, t, w), ", ".join(pb.person(m).name for m in t.members)]
        for t in pb.teams
    ]
    out.append(("table", [w._("Team"), w._("Leader"), w._("Members")], rows))
    return out


def _leader(pb: Playbook, team: Team, w: Words = ENGLISH) -> str:
    return pb.person(team.leader).name if team.leader else w._("not named")


def _intent(plan: Plan, w: Words) -> list[Block]:
    intent = plan.playbook.intent
    if intent is None:
        return []
    out: list[Block] = []
    if intent.aim:
        out.append(("p", w._("Aim") + ": " + " ".join(intent.aim.split())))
    if intent.objectives:
        out += [("p", w._("Objectives") + ":"), ("ul", list(intent.objectives))]
    return out


def _method(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    out: list[Block] = []
    command = pb.command
    if command is not None:
        leads = [(N_("Strategic (gold)"), command.strategic),
                 (N_("Tactical (silver)"), command.tactical)]  # fmt: skip
        leads += [(N_("Operational (bronze)"), c) for c in command.operational]
        rows = [[w._(level), c.name, c.role or "", c.contact or ""] for level, c in leads if c]
        head = [w._("Command"), w._("Who"), w._("Role"), w._("Contact")]
        out.append(("table", head, rows))
    rows = []
    for act in pb.activities:
        places = "; ".join(v.name for v in pb.activity_venues(act))
        needs = [label(pb.codebook, "skills", s, w) for s in act.requires.skills]
        needs += [label(pb.codebook, "partners", p, w) for p in act.requires.partners]
        rows.append([act.name, places, ", ".join(needs) or w._("any team")])
    out.append(("table", [w._("Activity"), w._("Venues"), w._("The team needs")], rows))
    done, total = len(plan.assignments), len(plan.visits)
    said = w._("The plan makes {done} of {total} visits; each team's day follows.",
               done=done, total=total)  # fmt: skip
    out.append(("p", said))
    return out


def _administration(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    out: list[Block] = []
    rows = []
    for team in pb.teams:
        briefing, debrief = pb.meetings(team)
        rows.append(
            [team.name, meeting_line(briefing, _place(pb, team, briefing, w), w),
             meeting_line(debrief, _place(pb, team, debrief, w), w)]
        )  # fmt: skip
    out.append(("table", [w._("Team"), w._("Daily briefing"), w._("Daily debrief")], rows))
    rules = pb.rules
    out.append(
        ("p", w._("At most {hours} hours a day; at least {rest} hours' rest between shifts.",
                  hours=f"{rules.max_hours_per_day:g}", rest=f"{rules.min_rest_hours:g}"))
    )  # fmt: skip
    if pb.support is not None:
        out += _support(plan, w)
    return out


def _support(plan: Plan, w: Words) -> list[Block]:
    """Whom to call for safeguarding, the interpreters and their bookings."""
    pb = plan.playbook
    support = pb.support
    assert support is not None
    out: list[Block] = []
    if support.safeguarding:
        out += [("p", w._("Safeguarding") + ":"),
                ("ul", [contact_line(c) for c in support.safeguarding])]  # fmt: skip
    if support.interpreters:
        out += [("p", w._("Interpreters") + ":"),
                ("ul", [contact_line(c) for c in support.interpreters])]  # fmt: skip
    if support.interpreter_bookings:
        rows = [
            [w.dated("%a %d %b", b.date), _span(b.from_, b.to, w), b.language, b.interpreter,
             b.contact or "", pb.team(b.team).name if b.team else w._("any team")]
            for b in sorted(support.interpreter_bookings, key=lambda b: b.date)
        ]  # fmt: skip
        head = [w._(h) for h in (N_("Day"), N_("Time"), N_("Language"), N_("Interpreter"),
                                 N_("Contact"), N_("For"))]  # fmt: skip
        out += [("p", w._("Interpreters booked") + ":"), ("table", head, rows)]
    return out


def _span(start: object, end: object, w: Words = ENGLISH) -> str:
    if start is None:
        return w._("all day")
    return f"{start:%H:%M}" + (f"-{end:%H:%M}" if end is not None else "")


def _place(pb: Playbook, team: Team, meeting: Meeting | None, w: Words = ENGLISH) -> str:
    """Where a meeting is held: its venue, else the team's base."""
    where = (meeting.venue if meeting else None) or team.base
    return pb.venue(where).name if where else w._("the team's first venue")


def risk_lines(
    assessment: RiskAssessment, w: Words = ENGLISH, book: CodeBook | None = None
) -> list[str]:
    """An assessment as lines: its level, hazards, control measures and planning rules."""
    out = [w._("Level") + f": {assessment.level}"] if assessment.level else []
    out += [w._("Hazard") + f": {h}" for h in assessment.hazards]
    out += [w._("Control") + f": {c}" for c in assessment.controls]
    rules = planned_rules(assessment, w, book)
    return out + [w._("Planned rule") + f": {rule}" for rule in rules]


def _skill(code: str, book: CodeBook | None) -> dict[str, str]:
    """A skill as a planning rule names it: "female officer" in English, its label in the
    other languages the code lists know."""
    entry = book["skills"].get(code) if book is not None else None
    return {"en": code.replace("_", " "), **({"ro": entry.ro} if entry else {})}


def planned_rules(
    assessment: RiskAssessment, w: Words = ENGLISH, book: CodeBook | None = None
) -> list[str]:
    """The planning rules an assessment makes: "a team of at least 3", "a female officer
    leads"."""
    planning = assessment.planning
    if planning is None:
        return []
    out = []
    if planning.min_team_size:
        out.append(w._("a team of at least {size}", size=planning.min_team_size))
    if planning.lead:
        out.append(w._("a {who} leads", who=_skill(planning.lead, book)))
    for skill in planning.skills:
        out.append(w._("the team has a {skill}", skill=_skill(skill, book)))
    return out


def _risk(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    risk = pb.risk
    if risk is None:
        return []
    out: list[Block] = []
    if risk.general is not None:
        out += [("h", 3, w._("The operation")), ("ul", risk_lines(risk.general, w, pb.codebook))]
    for code, assessment in risk.venue_types.items():
        name = label(pb.codebook, "venue_types", code, w)
        out += [("h", 3, name), ("ul", risk_lines(assessment, w, pb.codebook))]
    for venue_id, assessment in risk.venues.items():
        lines = risk_lines(assessment, w, pb.codebook)
        out += [("h", 3, pb.venue(venue_id).name), ("ul", lines)]
    return out


def _communications(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    comms = pb.communications
    out: list[Block] = []
    if comms is not None:
        lines = [w._("Talk group") + f": {comms.talk_group}"] if comms.talk_group else []
        if comms.control_room:
            lines.append(contact_line(comms.control_room))
        out.append(("ul", lines + list(comms.notes)))
    rows = [
        [t.name, t.call_sign or "", t.radio or "", _leader(pb, t, w), _leader_contact(pb, t)]
        for t in pb.teams
    ]
    head = [w._(h) for h in (N_("Team"), N_("Call sign"), N_("Radio"), N_("Leader"),
                             N_("Leader's contact"))]  # fmt: skip
    out.append(("table", head, rows))
    return out


def _leader_contact(pb: Playbook, team: Team) -> str:
    return (pb.person(team.leader).contact or "") if team.leader else ""


def _humanitarian(plan: Plan, w: Words) -> list[Block]:
    pb = plan.playbook
    hum = pb.humanitarian
    out: list[Block] = []
    if hum is not None:
        lines = []
        if hum.reception_centre:
            lines.append(w._("Reception centre") + f": {hum.reception_centre}")
        if hum.emergency_accommodation:
            lines.append(w._("Emergency accommodation") + f": {hum.emergency_accommodation}")
        out.append(("ul", lines + list(hum.notes)))
        if hum.safe_words:
            said = w._("Safe words and phrases agreed with partners")
            out += [("p", f"{said}:"), ("ul", hum.safe_words)]
    helplines = [
        f"{h.name}: {h.phone}" + (f" ({h.hours})" if h.hours else "") for h in pb.helplines
    ]
    out += [("p", w._("Helplines") + ":"), ("ul", helplines)]
    return out
