"""The seven IIMARCH sections of the operation order, from the playbook and the plan."""

from __future__ import annotations

from fieldkit.plan.briefing_blocks import NOT_GIVEN, Block, contact_line, label, meeting_line
from fieldkit.plan.records import Plan
from fieldkit.playbook.models import Playbook, Team
from fieldkit.playbook.order import Meeting, RiskAssessment

SECTIONS = (
    "Information",
    "Intent",
    "Method",
    "Administration",
    "Risk assessment",
    "Communications",
    "Humanitarian issues",
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
    blocks: list[Block] = [("h", 1, f"Operation order: {pb.operation.name}")]
    for n, (title, write) in enumerate(zip(SECTIONS, writers, strict=True), start=1):
        blocks.append(("h", 2, f"{n}. {title}"))
        blocks += write(plan) or [("p", NOT_GIVEN)]
    return blocks


def _information(plan: Plan) -> list[Block]:
    pb = plan.playbook
    op = pb.operation
    out: list[Block] = [
        (
            "p",
            f"Operation {op.id}, {op.start:%a %d %b %Y} to {op.end:%a %d %b %Y} "
            f"({op.timezone}), {op.area.name}." + (f" Lead: {op.lead}." if op.lead else ""),
        )
    ]
    if op.description:
        out.append(("p", " ".join(op.description.split())))
    partners = [label(pb.codebook, "partners", p) for p in pb.partners]
    out.append(("p", "Partners: " + "; ".join(partners) + "."))
    rows = [
        [t.name, _leader(pb, t), ", ".join(pb.person(m).name for m in t.members)] for t in pb.teams
    ]
    out.append(("table", ["Team", "Leader", "Members"], rows))
    return out


def _leader(pb: Playbook, team: Team) -> str:
    return pb.person(team.leader).name if team.leader else "not named"


def _intent(plan: Plan) -> list[Block]:
    intent = plan.playbook.intent
    if intent is None:
        return []
    out: list[Block] = []
    if intent.aim:
        out.append(("p", "Aim: " + " ".join(intent.aim.split())))
    if intent.objectives:
        out += [("p", "Objectives:"), ("ul", list(intent.objectives))]
    return out


def _method(plan: Plan) -> list[Block]:
    pb = plan.playbook
    out: list[Block] = []
    command = pb.command
    if command is not None:
        leads = [("Strategic (gold)", command.strategic), ("Tactical (silver)", command.tactical)]
        leads += [("Operational (bronze)", c) for c in command.operational]
        rows = [[level, c.name, c.role or "", c.contact or ""] for level, c in leads if c]
        out.append(("table", ["Command", "Who", "Role", "Contact"], rows))
    rows = []
    for act in pb.activities:
        places = "; ".join(v.name for v in pb.activity_venues(act))
        needs = [label(pb.codebook, "skills", s) for s in act.requires.skills]
        needs += [label(pb.codebook, "partners", p) for p in act.requires.partners]
        rows.append([act.name, places, ", ".join(needs) or "any team"])
    out.append(("table", ["Activity", "Venues", "The team needs"], rows))
    done, total = len(plan.assignments), len(plan.visits)
    out.append(("p", f"The plan makes {done} of {total} visits; each team's day follows."))
    return out


def _administration(plan: Plan) -> list[Block]:
    pb = plan.playbook
    out: list[Block] = []
    rows = []
    for team in pb.teams:
        briefing, debrief = pb.meetings(team)
        rows.append(
            [team.name, meeting_line(briefing, _place(pb, team, briefing)),
             meeting_line(debrief, _place(pb, team, debrief))]
        )  # fmt: skip
    out.append(("table", ["Team", "Daily briefing", "Daily debrief"], rows))
    rules = pb.rules
    out.append(
        ("p", f"At most {rules.max_hours_per_day:g} hours a day; at least "
              f"{rules.min_rest_hours:g} hours' rest between shifts.")
    )  # fmt: skip
    support = pb.support
    if support is not None:
        if support.safeguarding:
            out += [("p", "Safeguarding:"), ("ul", [contact_line(c) for c in support.safeguarding])]
        if support.interpreters:
            out += [("p", "Interpreters:"), ("ul", [contact_line(c) for c in support.interpreters])]
        if support.interpreter_bookings:
            rows = [
                [f"{b.date:%a %d %b}", _span(b.from_, b.to), b.language, b.interpreter,
                 b.contact or "", pb.team(b.team).name if b.team else "any team"]
                for b in sorted(support.interpreter_bookings, key=lambda b: b.date)
            ]  # fmt: skip
            head = ["Day", "Time", "Language", "Interpreter", "Contact", "For"]
            out += [("p", "Interpreters booked:"), ("table", head, rows)]
    return out


def _span(start: object, end: object) -> str:
    if start is None:
        return "all day"
    return f"{start:%H:%M}" + (f"-{end:%H:%M}" if end is not None else "")


def _place(pb: Playbook, team: Team, meeting: Meeting | None) -> str:
    """Where a meeting is held: its venue, else the team's base."""
    where = (meeting.venue if meeting else None) or team.base
    return pb.venue(where).name if where else "the team's first venue"


def risk_lines(assessment: RiskAssessment) -> list[str]:
    """An assessment as lines: its level, hazards, control measures and planning rules."""
    out = [f"Level: {assessment.level}"] if assessment.level else []
    out += [f"Hazard: {h}" for h in assessment.hazards]
    out += [f"Control: {c}" for c in assessment.controls]
    planning = assessment.planning
    if planning is not None:
        if planning.min_team_size:
            out.append(f"Planned rule: a team of at least {planning.min_team_size}")
        if planning.lead:
            out.append(f"Planned rule: a {planning.lead.replace('_', ' ')} leads")
        for skill in planning.skills:
            out.append(f"Planned rule: the team has a {skill.replace('_', ' ')}")
    return out


def _risk(plan: Plan) -> list[Block]:
    pb = plan.playbook
    risk = pb.risk
    if risk is None:
        return []
    out: list[Block] = []
    if risk.general is not None:
        out += [("h", 3, "The operation"), ("ul", risk_lines(risk.general))]
    for code, assessment in risk.venue_types.items():
        out += [("h", 3, label(pb.codebook, "venue_types", code)), ("ul", risk_lines(assessment))]
    for venue_id, assessment in risk.venues.items():
        out += [("h", 3, pb.venue(venue_id).name), ("ul", risk_lines(assessment))]
    return out


def _communications(plan: Plan) -> list[Block]:
    pb = plan.playbook
    comms = pb.communications
    out: list[Block] = []
    if comms is not None:
        lines = [f"Talk group: {comms.talk_group}"] if comms.talk_group else []
        if comms.control_room:
            lines.append(contact_line(comms.control_room))
        out.append(("ul", lines + list(comms.notes)))
    rows = [
        [t.name, t.call_sign or "", t.radio or "", _leader(pb, t), _leader_contact(pb, t)]
        for t in pb.teams
    ]
    out.append(("table", ["Team", "Call sign", "Radio", "Leader", "Leader's contact"], rows))
    return out


def _leader_contact(pb: Playbook, team: Team) -> str:
    return (pb.person(team.leader).contact or "") if team.leader else ""


def _humanitarian(plan: Plan) -> list[Block]:
    pb = plan.playbook
    hum = pb.humanitarian
    out: list[Block] = []
    if hum is not None:
        lines = []
        if hum.reception_centre:
            lines.append(f"Reception centre: {hum.reception_centre}")
        if hum.emergency_accommodation:
            lines.append(f"Emergency accommodation: {hum.emergency_accommodation}")
        out.append(("ul", lines + list(hum.notes)))
        if hum.safe_words:
            out += [("p", "Safe words and phrases agreed with partners:"), ("ul", hum.safe_words)]
    helplines = [
        f"{h.name}: {h.phone}" + (f" ({h.hours})" if h.hours else "") for h in pb.helplines
    ]
    out += [("p", "Helplines:"), ("ul", helplines)]
    return out
