"""The briefing pack (md, html): per day and per team, shaped like an ICS 204 assignment list."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date
from typing import Any

from fieldkit.codes import CodeBook
from fieldkit.page_policy import with_policy
from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.records import Plan
from fieldkit.plan.visits import Clock

Block = tuple[
    Any, ...
]  # ("h", level, text) | ("p", text) | ("ul", [items]) | ("table", head, rows)


def _agency(book: CodeBook, code: str) -> str:
    entry = book.partners.get(code)
    return entry.en if entry else code


def briefing_blocks(plan: Plan) -> list[Block]:
    pb = plan.playbook
    op = pb.operation
    clock = Clock(pb)
    book = pb.codebook
    blocks: list[Block] = [
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
        ("table", ["Sign (English)", "Semn (română)"], [[i.en, i.ro] for i in book.indicators]),
    ]
    by_day: dict[date, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for a in plan.assignments:
        by_day[plan.visit(a.visit).day][a.team].append(a)
    for day in op.days:
        if day not in by_day:
            continue
        blocks.append(("h", 2, f"{day:%A %d %B %Y}"))
        for team in pb.teams:
            items = sorted(by_day[day].get(team.id, []), key=lambda a: a.start)
            if not items:
                continue
            blocks.append(
                (
                    "h",
                    3,
                    f"Assignment list: {team.name}"
                    + (f" ({team.call_sign})" if team.call_sign else ""),
                )
            )
            blocks.append(
                (
                    "table",
                    ["Member", "Agency", "Skills", "Contact"],
                    [
                        [
                            p.name,
                            _agency(book, p.agency),
                            ", ".join(p.skills),
                            p.contact or "",
                        ]
                        for p in (pb.person(m) for m in team.members)
                    ],
                )
            )
            base = pb.venue(team.base).name if team.base else "first venue"
            blocks.append(("p", f"Reporting location: {base}."))
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
            blocks.append(("table", ["Time", "Venue", "Activity", "Travel before"], rows))
            notes = []
            for a in items:
                for line in special_instructions(plan, a):
                    notes.append(
                        f"{clock.moment(a.start):%H:%M} "
                        f"{pb.venue(plan.visit(a.visit).venue).name}: {line}"
                    )
            blocks.append(("h", 4, "Special instructions"))
            blocks.append(("ul", notes or ["none"]))
    if plan.unassigned:
        blocks.append(("h", 2, "Visits not in the plan"))
        blocks.append(("ul", [f"{vid}: {'; '.join(r)}" for vid, r in plan.unassigned.items()]))
    return blocks


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
