"""The briefing pack (md, html): per day and per team, shaped like an ICS 204 assignment list."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date
from typing import Any

from fieldkit.codes import CodeBook
from fieldkit.page_policy import with_policy
from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.records import Assignment, Plan
from fieldkit.plan.revisits import revisits_of
from fieldkit.plan.visits import Clock
from fieldkit.playbook.models import Team

Block = tuple[
    Any, ...
]  # ("h", level, text) | ("p", text) | ("ul", [items]) | ("table", head, rows)


def _agency(book: CodeBook, code: str) -> str:
    entry = book.partners.get(code)
    return entry.en if entry else code


def briefing_blocks(plan: Plan) -> list[Block]:
    """The briefing pack as blocks: the operation, then each day's assignment lists per team,
    then the visits left out."""
    blocks = _front_matter(plan)
    by_day = _assignments_by_day(plan)
    for day in plan.playbook.operation.days:
        if day not in by_day:
            continue
        blocks.append(("h", 2, f"{day:%A %d %B %Y}"))
        for team in plan.playbook.teams:
            items = sorted(by_day[day].get(team.id, []), key=lambda a: a.start)
            if items:
                blocks += _assignment_list(plan, team, items)
    blocks += _revisits(plan)
    if plan.unassigned:
        blocks.append(("h", 2, "Visits not in the plan"))
        blocks.append(("ul", [f"{vid}: {'; '.join(r)}" for vid, r in plan.unassigned.items()]))
    return blocks


def _revisits(plan: Plan) -> list[Block]:
    """The venues visited again for open follow-ups: each with its reason and when."""
    activities = {a.id: a for a in revisits_of(plan.playbook)}
    if not activities:
        return []
    placed = {a.visit: a for a in plan.assignments}
    clock = Clock(plan.playbook)
    rows = []
    for v in plan.visits:
        if v.activity not in activities:
            continue
        a = placed.get(v.id)
        when = f"{a.team}, {clock.moment(a.start):%a %d %b %H:%M}" if a else "not in the plan"
        rows.append([plan.playbook.venue(v.venue).name, v.id, when, activities[v.activity].reason])
    return [
        ("h", 2, "Revisits for open follow-ups"),
        ("table", ["Venue", "Visit", "Team and time", "Why"], rows),
    ]


def _front_matter(plan: Plan) -> list[Block]:
    """The operation in a line, its helplines and the indicator checklist in two languages."""
    pb = plan.playbook
    op = pb.operation
    return [
        ("h", 1, f"Briefing: {op.name}"),
        (
            "p",
            f"Operation {op.id}, {op.start:%a %d %b %Y} to {op.end:%a %d %b %Y} "
            f"({op.timezone}), {op.area.name}." + (f" Lead: {op.lead}." if op.lead else ""),
        ),
        ("h", 2, "Helplines"),
        (
            "ul",
            [f"{h.name}: {h.phone}" + (f" ({h.hours})" if h.hours else "") for h in pb.helplines],
        ),
        ("h", 2, "Indicator checklist / Lista de indicatori"),
        (
            "table",
            ["Sign (English)", "Semn (română)"],
            [[i.en, i.ro] for i in pb.codebook.indicators],
        ),
    ]


def _assignments_by_day(plan: Plan) -> dict[date, dict[str, list[Assignment]]]:
    """day -> team id -> that team's assignments of the day."""
    by_day: dict[date, dict[str, list[Assignment]]] = defaultdict(lambda: defaultdict(list))
    for a in plan.assignments:
        by_day[plan.visit(a.visit).day][a.team].append(a)
    return by_day


def _assignment_list(plan: Plan, team: Team, items: list[Assignment]) -> list[Block]:
    """One team's day (ICS 204): its members, where it reports, its visits and instructions."""
    pb = plan.playbook
    base = pb.venue(team.base).name if team.base else "first venue"
    call_sign = f" ({team.call_sign})" if team.call_sign else ""
    return [
        ("h", 3, f"Assignment list: {team.name}{call_sign}"),
        ("table", ["Member", "Agency", "Skills", "Contact"], _member_rows(plan, team)),
        ("p", f"Reporting location: {base}."),
        ("table", ["Time", "Venue", "Activity", "Travel before"], _visit_rows(plan, items)),
        ("h", 4, "Special instructions"),
        ("ul", _instructions(plan, items) or ["none"]),
    ]


def _member_rows(plan: Plan, team: Team) -> list[list[str]]:
    """Each member's name, agency, skills and contact."""
    pb = plan.playbook
    return [
        [p.name, _agency(pb.codebook, p.agency), ", ".join(p.skills), p.contact or ""]
        for p in (pb.person(m) for m in team.members)
    ]


def _visit_rows(plan: Plan, items: list[Assignment]) -> list[list[str]]:
    """Each visit's time, venue, activity and the travel before it."""
    clock, pb = Clock(plan.playbook), plan.playbook
    rows = []
    for a in items:
        v = plan.visit(a.visit)
        rows.append(
            [
                f"{clock.moment(a.start):%H:%M}-{clock.moment(a.end):%H:%M}",
                pb.venue(v.venue).name,
                v.activity_name,
                f"{a.travel_min} min",
            ]
        )
    return rows


def _instructions(plan: Plan, items: list[Assignment]) -> list[str]:
    """The special instructions of the team's visits, each with its time and venue."""
    clock, pb = Clock(plan.playbook), plan.playbook
    notes = []
    for a in items:
        for line in special_instructions(plan, a):
            notes.append(
                f"{clock.moment(a.start):%H:%M} {pb.venue(plan.visit(a.visit).venue).name}: {line}"
            )
    return notes


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def briefing_markdown(plan: Plan) -> str:
    out: list[str] = []
    for block in briefing_blocks(plan):
        kind = block[0]
        if kind == "h":
            out.append(f"{'#' * block[1]} {block[2]}\n")
        elif kind == "p":
            out.append(f"{block[1]}\n")
        elif kind == "ul":
            out.append("\n".join(f"- {_md_cell(i)}" for i in block[1]) + "\n")
        else:
            head, rows = block[1], block[2]
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
            out.append("\n".join(lines) + "\n")
    return "\n".join(out)


STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;"
    "padding:.2em .5em;text-align:left}h2{border-bottom:2px solid #333;margin-top:2em}"
    "@media print{h2{page-break-before:always}}"
)


def briefing_html(plan: Plan) -> str:
    e = html.escape
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(plan.playbook.operation.name)}</title><style>{STYLE}</style></head><body>",
    ]
    for block in briefing_blocks(plan):
        kind = block[0]
        if kind == "h":
            out.append(f"<h{block[1]}>{e(block[2])}</h{block[1]}>")
        elif kind == "p":
            out.append(f"<p>{e(block[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block[1]) + "</ul>")
        else:
            head = "".join(f"<th>{e(h)}</th>" for h in block[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in block[2]
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out.append("</body></html>")
    return with_policy("\n".join(out) + "\n")
