"""The briefing pack (md, html): an IIMARCH operation order, a page per team per day, annexes."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from fieldkit.i18n import N_, in_language
from fieldkit.page_policy import with_policy
from fieldkit.plan.briefing_blocks import Block, Page
from fieldkit.plan.briefing_words import Words
from fieldkit.plan.order_sections import order_blocks
from fieldkit.plan.records import Plan
from fieldkit.plan.revisits import revisits_of
from fieldkit.plan.team_pages import annex_pages, team_day_pages
from fieldkit.plan.visits import Clock


def briefing_pages(plan: Plan) -> list[Page]:
    """The pack's pages: the operation order, each team's day, the visits left out, annexes."""
    pages = [Page("order", order_blocks(plan)), *team_day_pages(plan)]
    w = Words(plan.playbook.languages)
    left = _revisits(plan, w)
    if plan.unassigned:
        left.append(("h", 2, w._("Visits not in the plan")))
        left.append(("ul", [f"{vid}: {'; '.join(r)}" for vid, r in plan.unassigned.items()]))
    if left:
        pages.append(Page("order", left))
    return pages + annex_pages(plan.playbook)


def _revisits(plan: Plan, w: Words) -> list[Block]:
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
        when = (
            f"{a.team}, {w.dated('%a %d %b %H:%M', clock.moment(a.start))}"
            if a
            else w._("not in the plan")
        )
        rows.append([plan.playbook.venue(v.venue).name, v.id, when, activities[v.activity].reason])
    return [
        ("h", 2, w._("Revisits for open follow-ups")),
        ("table", [w._("Venue"), w._("Visit"), w._("Team and time"), w._("Why")], rows),
    ]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&!#])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|(?=[-+=]))(.)")


def md_text(text: str) -> str:
    """Playbook text as literal Markdown on one line: every special character escaped, so
    no link, image, HTML, emphasis, table cell or list is made from it."""
    flat = " ".join(text.split())
    # "1." opens a list: CommonMark escapes punctuation, not digits, so it is "1\."
    return _MD_LINE_START.sub(r"\1\2\\\3", _MD_SPECIAL.sub(r"\\\1", flat))


def _md_block(block: Block) -> str:
    kind = block[0]
    if kind == "h":
        return f"{'#' * block[1]} {md_text(block[2])}\n"
    if kind == "p":
        return f"{md_text(block[1])}\n"
    if kind == "ul":
        return "\n".join(f"- {md_text(i)}" for i in block[1]) + "\n"
    if kind == "card":
        lines = [f"> **{md_text(block[1])}**", ">"]
        for text in [*block[2], *block[3]]:
            lines += [f"> {md_text(text)}", ">"]
        return "\n".join(lines[:-1]) + "\n"
    head, rows = block[1], block[2]
    lines = ["| " + " | ".join(md_text(h) or " " for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md_text(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def briefing_markdown(plan: Plan) -> str:
    marking = md_text(plan.playbook.marking)
    out: list[str] = []
    for page in briefing_pages(plan):
        out.append(f"**{marking}**\n")
        out += [_md_block(b) for b in page.blocks]
        out.append(f"**{marking}**\n\n---\n")
    return "\n".join(out)


def css_string(text: str) -> str:
    """Text as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    return (
        '"'
        + "".join(c if c.isalnum() or c in " -_:/().," else f"\\{ord(c):x} " for c in text)
        + '"'
    )


PAGE_NUMBER = N_("Page {page} of {pages}")
_PAGE_COUNTERS = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
_PAGE_PARTS = re.compile(r"(\{pages?\})")


def page_number(languages: tuple[str, ...] = ("en",)) -> str:
    """The footer's page number as CSS content: "Page 2 of 9 / Pagina 2 din 9"."""
    parts: list[str] = []
    for n, lang in enumerate(languages):
        text = (" / " if n else "") + in_language(lang, PAGE_NUMBER)
        for part in _PAGE_PARTS.split(text):
            if part:
                parts.append(_PAGE_COUNTERS.get(part) or css_string(part))
    return " ".join(parts)


def page_style(marking: str, languages: tuple[str, ...] = ("en",)) -> str:
    """The pack's styles: A4 pages with the marking top and bottom and page numbers."""
    mark = css_string(marking)
    return (
        "@page{size:A4;margin:22mm 16mm 22mm 16mm;"
        f"@top-center{{content:{mark};font:bold 10pt sans-serif}}"
        f"@bottom-center{{content:{mark};font:bold 10pt sans-serif}}"
        f"@bottom-right{{content:{page_number(languages)};font:9pt sans-serif}}}}"
        "body{font-family:'DejaVu Sans',sans-serif;font-size:10pt;max-width:60em;margin:0 auto}"
        "table{border-collapse:collapse;margin:.5em 0;width:100%}"
        "td,th{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}"
        "h1{font-size:16pt}h2{font-size:13pt;border-bottom:2px solid #333}h3{font-size:11pt}"
        ".page{break-before:page}.page:first-of-type{break-before:auto}"
        ".marking{text-align:center;font-weight:bold;letter-spacing:.05em}"
        "@media print{.marking{display:none}}"
        "@media screen{body{padding:1em}.page{border-bottom:1px dashed #999;margin-bottom:2em}}"
        ".card{border:1px dashed #000;padding:8mm;margin:8mm 6mm;position:relative;"
        "break-inside:avoid}.card h3{margin-top:0}"
        ".cut{position:absolute;width:6mm;height:6mm;border-color:#000;border-style:solid}"
        ".cut.tl{top:-5mm;left:-5mm;border-width:0 1px 1px 0}"
        ".cut.tr{top:-5mm;right:-5mm;border-width:0 0 1px 1px}"
        ".cut.bl{bottom:-5mm;left:-5mm;border-width:1px 1px 0 0}"
        ".cut.br{bottom:-5mm;right:-5mm;border-width:1px 0 0 1px}"
    )


def _html_block(block: Block) -> Markup:
    kind = block[0]
    if kind == "h":
        return Markup("<h{0}>{1}</h{0}>").format(block[1], block[2])
    if kind == "p":
        return Markup("<p>{}</p>").format(block[1])
    if kind == "ul":
        items = Markup("").join(Markup("<li>{}</li>").format(i) for i in block[1])
        return Markup("<ul>{}</ul>").format(items)
    if kind == "card":
        cuts = Markup("").join(
            Markup('<span class="cut {}"></span>').format(c) for c in ("tl", "tr", "bl", "br")
        )
        texts = Markup("").join(Markup("<p>{}</p>").format(t) for t in block[2])
        lines = Markup("").join(Markup("<li>{}</li>").format(t) for t in block[3])
        return Markup('<div class="card">{}<h3>{}</h3>{}<ul>{}</ul></div>').format(
            cuts, block[1], texts, lines
        )
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in block[1])
    rows = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c) for c in r))
        for r in block[2]
    )
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, rows)


def briefing_html(plan: Plan) -> str:
    pb = plan.playbook
    marking = Markup('<p class="marking">{}</p>').format(pb.marking)
    out = [
        Markup("<!doctype html>"),
        Markup('<html lang="{}"><head><meta charset="utf-8">').format(pb.languages[0]),
        Markup("<title>{}</title><style>{}</style></head><body>").format(
            pb.operation.name, Markup(page_style(pb.marking, pb.languages))
        ),
    ]
    for page in briefing_pages(plan):
        body = Markup("").join(_html_block(b) for b in page.blocks)
        out.append(
            Markup('<section class="page {}">{}{}{}</section>').format(
                page.kind, marking, body, marking
            )
        )
    out.append(Markup("</body></html>"))
    return with_policy(str(escape(Markup("\n").join(out))) + "\n")
