"""One briefing page per team per day, and the annex: the indicator checklist and a leaflet card."""

from __future__ import annotations

from datetime import date

from fieldkit.i18n import N_
from fieldkit.plan.briefing_blocks import Block, Page, contact_line, label, meeting_line
from fieldkit.plan.briefing_words import Words
from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.order_sections import planned_rules
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
    w = Words(pb.languages)
    leader = pb.person(team.leader) if team.leader else None
    who = (
        w._("Team leader")
        + ": "
        + (
            leader.name + (f" ({leader.contact})" if leader.contact else "")
            if leader
            else w._("not named")
        )
    )
    radio = "; ".join(
        x for x in (w._("call sign") + f" {team.call_sign}" if team.call_sign else "",
                    w._("radio") + f" {team.radio}" if team.radio else "") if x
    )  # fmt: skip
    heads = (N_("Member"), N_("Agency"), N_("Skills"), N_("Contact"))
    blocks: list[Block] = [
        ("h", 2, f"{team.name}: {w.dated('%A %d %B %Y', day)}"),
        ("p", who + (f"; {radio}." if radio else ".")),
        ("ul", _reporting(pb, team, day, w)),
        ("table", [w._(h) for h in heads], _member_rows(pb, team, w)),
    ]
    if not items:
        return blocks + [("p", w._("No visits planned this day."))]
    heads = (N_("Time"), N_("Venue"), N_("Activity"), N_("Travel before"))
    blocks += [
        ("table", [w._(h) for h in heads], _visit_rows(plan, items)),
        ("h", 3, w._("Risk controls")),
        *_risk_controls(plan, items, w),
        ("h", 3, w._("Special instructions")),
        ("ul", _instructions(plan, items, w) or [w._("none")]),
        ("h", 3, w._("Partners and interpreters")),
        ("ul", _partners(pb, team, day, w)),
    ]
    return blocks


def _reporting(pb: Playbook, team: Team, day: date, w: Words) -> list[str]:
    """Where the team reports, and its briefing and debrief of the day."""
    base = pb.venue(team.base).name if team.base else w._("the first venue")
    lines = [w._("Reporting location") + f": {base}"]
    briefing, debrief = pb.meetings(team)
    for name, meeting in ((N_("Briefing"), briefing), (N_("Debrief"), debrief)):
        if meeting is not None and meeting.on(day):
            place = pb.venue(meeting.venue).name if meeting.venue else base
            lines.append(f"{w._(name)}: {meeting_line(meeting, place, w)}")
    return lines


def _member_rows(pb: Playbook, team: Team, w: Words) -> list[list[str]]:
    return [
        [
            p.name,
            label(pb.codebook, "partners", p.agency, w),
            ", ".join(label(pb.codebook, "skills", s, w) for s in p.skills),
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


def _risk_controls(plan: Plan, items: list[Assignment], w: Words) -> list[Block]:
    """Each venue of the day with its risk assessment, once: level, hazards, controls."""
    pb = plan.playbook
    rows = []
    for venue_id in dict.fromkeys(plan.visit(a.visit).venue for a in items):
        risk = pb.venue_risk(venue_id)
        if risk is not None:
            rows.append(
                [pb.venue(venue_id).name, risk.level or "", "; ".join(risk.hazards),
                 "; ".join([*risk.controls, *planned_rules(risk, w, pb.codebook)])]
            )  # fmt: skip
    if not rows:
        return [("p", w._("No risk assessment for these venues."))]
    heads = (N_("Venue"), N_("Level"), N_("Hazards"), N_("Control measures"))
    return [("table", [w._(h) for h in heads], rows)]


def _instructions(plan: Plan, items: list[Assignment], w: Words) -> list[str]:
    clock, pb = Clock(plan.playbook), plan.playbook
    return [
        f"{clock.moment(a.start):%H:%M} {pb.venue(plan.visit(a.visit).venue).name}: {line}"
        for a in items
        for line in special_instructions(plan, a, w)
    ]


def _partners(pb: Playbook, team: Team, day: date, w: Words) -> list[str]:
    """The partner agencies in the team, the interpreters booked for it that day, and whom
    to call for safeguarding."""
    agencies = dict.fromkeys(pb.person(m).agency for m in team.members)
    names = "; ".join(label(pb.codebook, "partners", a, w) for a in agencies)
    out = [w._("In the team") + f": {names}"]
    support = pb.support
    if support is None:
        return out
    for b in support.interpreter_bookings:
        if b.date == day and b.team in (None, team.id):
            hours = f" {b.from_:%H:%M}-{b.to:%H:%M}" if b.from_ and b.to else ""
            phone = f" ({b.contact})" if b.contact else ""
            booked = w._("Interpreter booked")
            out.append(f"{booked}{hours}: {b.language}, {b.interpreter}{phone}")
    out += [w._("Safeguarding") + f": {contact_line(c)}" for c in support.safeguarding]
    return out


SIGN_COLUMN = {"en": "Sign (English)", "ro": "Semn (română)"}
"""The checklist's column of each language, named in that language."""


def annex_languages(pb: Playbook) -> tuple[str, ...]:
    """The languages of the checklist and the leaflet card: the playbook's, or English and
    Romanian both when it names none but English (the kit's leaflet is bilingual)."""
    return ("en", "ro") if pb.languages == ("en",) else pb.languages


def annex_pages(pb: Playbook) -> list[Page]:
    """Annex A, the indicator checklist; annex B, a leaflet card to cut out; both in the
    annex's languages."""
    w, langs = Words(pb.languages), annex_languages(pb)
    aw = Words(langs)
    checklist: list[Block] = [
        ("h", 2, w._("Annex A") + ". " + aw._("Indicator checklist")),
        (
            "table",
            ["", *(SIGN_COLUMN[lang] for lang in langs)],
            [
                ["\u2610", *(str(getattr(i, lang)) for lang in langs)]
                for i in pb.codebook.indicators
            ],
        ),
    ]
    helplines = [
        f"{h.name}: {h.phone}" + (f" ({h.hours})" if h.hours else "") for h in pb.helplines
    ]
    leaflet = pb.leaflet
    texts = [" ".join(str(getattr(leaflet, lang)).split()) for lang in langs] if leaflet else []
    title = aw._("Help is available")
    card: list[Block] = [
        ("h", 2, w._("Annex B") + ". " + aw._("Leaflet card")),
        ("p", w._("Cut along the marks; hand the card over or turn it toward the person.")),
        ("card", title, texts, helplines),
        ("card", title, texts, helplines),
    ]
    return [Page("annex", checklist), Page("annex", card)]
