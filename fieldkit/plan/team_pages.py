"""One briefing page per team per day, and the annex: the indicator checklist and a leaflet card."""

from __future__ import annotations

from datetime import date

from fieldkit.plan.briefing_blocks import Block, Page, contact_line, label, meeting_line
from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.order_sections import risk_lines
from fieldkit.plan.records import Assignment, Plan
from fieldkit.plan.visits import Clock
from fieldkit.playbook.models import Playbook, Team


def team_day_pages(plan: Plan) -> list[Page]:
    """A page for every team on every day of the operation, days first."""
    by_key: dict[tuple[date, str], list[Assignment]] = {}
    for a in plan.assignments:
        by_key.setdefault((plan.visit(a.visit).day, a.team), []).append(a)
    pages = []
    for day in plan.playbook.operation.days:
        for team in plan.playbook.teams:
            items = sorted(by_key.get((day, team.id), []), key=lambda a: a.start)
            pages.append(Page("team", team_day(plan, team, day, items)))
    return pages


def team_day(plan: Plan, team: Team, day: date, items: list[Assignment]) -> list[Block]:
    """One team's day: who, where and when it reports, its visits in order with their risk
    controls and instructions, radio, partners and interpreters."""
    pb = plan.playbook
    leader = pb.person(team.leader) if team.leader else None
    who = (
        f"Team leader: {leader.name}"
        + (f" ({leader.contact})" if leader and leader.contact else "")
        if leader
        else "Team leader: not named"
    )
    radio = "; ".join(
        x for x in (f"call sign {team.call_sign}" if team.call_sign else "",
                    f"radio {team.radio}" if team.radio else "") if x
    )  # fmt: skip
    blocks: list[Block] = [
        ("h", 2, f"{team.name}: {day:%A %d %B %Y}"),
        ("p", who + (f"; {radio}." if radio else ".")),
        ("ul", _reporting(pb, team, day)),
        ("table", ["Member", "Agency", "Skills", "Contact"], _member_rows(pb, team)),
    ]
    if not items:
        return blocks + [("p", "No visits planned this day.")]
    blocks += [
        ("table", ["Time", "Venue", "Activity", "Travel before"], _visit_rows(plan, items)),
        ("h", 3, "Risk controls"),
        *_risk_controls(plan, items),
        ("h", 3, "Special instructions"),
        ("ul", _instructions(plan, items) or ["none"]),
        ("h", 3, "Partners and interpreters"),
        ("ul", _partners(pb, team, day)),
    ]
    return blocks


def _reporting(pb: Playbook, team: Team, day: date) -> list[str]:
    """Where the team reports, and its briefing and debrief of the day."""
    base = pb.venue(team.base).name if team.base else "the first venue"
    lines = [f"Reporting location: {base}"]
    briefing, debrief = pb.meetings(team)
    for name, meeting in (("Briefing", briefing), ("Debrief", debrief)):
        if meeting is not None and meeting.on(day):
            place = pb.venue(meeting.venue).name if meeting.venue else base
            lines.append(f"{name}: {meeting_line(meeting, place)}")
    return lines


def _member_rows(pb: Playbook, team: Team) -> list[list[str]]:
    return [
        [
            p.name,
            label(pb.codebook, "partners", p.agency),
            ", ".join(label(pb.codebook, "skills", s) for s in p.skills),
            p.contact or "",
        ]
        for p in (pb.person(m) for m in team.members)
    ]


def _visit_rows(plan: Plan, items: list[Assignment]) -> list[list[str]]:
    clock, pb = Clock(plan.playbook), plan.playbook
    rows = []
    for a in items:
        v = plan.visit(a.visit)
        when = f"{clock.moment(a.start):%H:%M}-{clock.moment(a.end):%H:%M}"
        rows.append([when, pb.venue(v.venue).name, v.activity_name, f"{a.travel_min} min"])
    return rows


def _risk_controls(plan: Plan, items: list[Assignment]) -> list[Block]:
    """Each venue of the day with its risk assessment, once: level, hazards, controls."""
    pb = plan.playbook
    rows = []
    for venue_id in dict.fromkeys(plan.visit(a.visit).venue for a in items):
        risk = pb.venue_risk(venue_id)
        if risk is not None:
            rules = [line.removeprefix("Planned rule: ") for line in risk_lines(risk)
                     if line.startswith("Planned rule: ")]  # fmt: skip
            rows.append(
                [pb.venue(venue_id).name, risk.level or "", "; ".join(risk.hazards),
                 "; ".join([*risk.controls, *rules])]
            )  # fmt: skip
    if not rows:
        return [("p", "No risk assessment for these venues.")]
    return [("table", ["Venue", "Level", "Hazards", "Control measures"], rows)]


def _instructions(plan: Plan, items: list[Assignment]) -> list[str]:
    clock, pb = Clock(plan.playbook), plan.playbook
    return [
        f"{clock.moment(a.start):%H:%M} {pb.venue(plan.visit(a.visit).venue).name}: {line}"
        for a in items
        for line in special_instructions(plan, a)
    ]


def _partners(pb: Playbook, team: Team, day: date) -> list[str]:
    """The partner agencies in the team, the interpreters booked for it that day, and whom
    to call for safeguarding."""
    agencies = dict.fromkeys(pb.person(m).agency for m in team.members)
    out = ["In the team: " + "; ".join(label(pb.codebook, "partners", a) for a in agencies)]
    support = pb.support
    if support is None:
        return out
    for b in support.interpreter_bookings:
        if b.date == day and b.team in (None, team.id):
            hours = f" {b.from_:%H:%M}-{b.to:%H:%M}" if b.from_ and b.to else ""
            phone = f" ({b.contact})" if b.contact else ""
            out.append(f"Interpreter booked{hours}: {b.language}, {b.interpreter}{phone}")
    out += [f"Safeguarding: {contact_line(c)}" for c in support.safeguarding]
    return out


def annex_pages(pb: Playbook) -> list[Page]:
    """Annex A, the bilingual indicator checklist; annex B, a leaflet card to cut out."""
    checklist: list[Block] = [
        ("h", 2, "Annex A. Indicator checklist / Lista de indicatori"),
        (
            "table",
            ["", "Sign (English)", "Semn (română)"],
            [["\u2610", i.en, i.ro] for i in pb.codebook.indicators],
        ),
    ]
    helplines = [
        f"{h.name}: {h.phone}" + (f" ({h.hours})" if h.hours else "") for h in pb.helplines
    ]
    texts = [" ".join(pb.leaflet.en.split()), " ".join(pb.leaflet.ro.split())] if pb.leaflet else []
    card: list[Block] = [
        ("h", 2, "Annex B. Leaflet card / Pliant"),
        ("p", "Cut along the marks; hand the card over or turn it toward the person."),
        ("card", "Help is available / Puteți primi ajutor", texts, helplines),
        ("card", "Help is available / Puteți primi ajutor", texts, helplines),
    ]
    return [Page("annex", checklist), Page("annex", card)]
