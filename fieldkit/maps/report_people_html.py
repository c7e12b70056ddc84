"""report.html's people sections: children first, people met one to one by route and consent,
referrals by agency, follow-ups, sign rates per venue. Every text from the data is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from fieldkit.maps.charts import bar_chart


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> Markup:
    """A table whose every cell is escaped (numbers right-aligned)."""
    if not rows:
        return Markup("<p class='sub'>None.</p>")
    cells = Markup("").join(Markup("<th>{}</th>").format(h) for h in head)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(
                Markup("<td class='n'>{}</td>" if isinstance(c, int) else "<td>{}</td>").format(c)
                for c in row
            )
        )
        for row in rows
    )
    return Markup("<table><tr>{}</tr>{}</table>").format(cells, body)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def children_flag(p: dict[str, Any]) -> str:
    """The children met one to one, flagged at the top of the report ('' when none)."""
    kids = p["children"]
    if not kids["total"]:
        return ""
    routes = ", ".join(f"{r['label']}: {r['people']}" for r in kids["by_route"])
    return str(
        Markup(
            "<p class='flag'><b>{} children (under 18) met one to one, {} with signs of "
            "exploitation.</b> {}.</p>"
        ).format(kids["total"], kids["with_signs"], routes)
    )


def people_sections(s: dict[str, Any]) -> list[str]:
    """People met one to one: children first, then by route and consent, referrals by the
    referring agency and the referrals' follow-up status."""
    p = s["persons"]
    body = [
        str(
            Markup("<h2>People met one to one: {}, {} with signs of exploitation</h2>").format(
                p["total"], p["with_signs"]
            )
        )
    ]
    if p["engagements_before_persons"]:
        body.append(
            str(
                Markup(
                    "<p class='sub'>{} engagements recorded before persons were kept (record "
                    "format 1): their people are counted in groups only, not here.</p>"
                ).format(p["engagements_before_persons"])
            )
        )
    body.append("<h3>Children (under 18)</h3>")
    kids = p["children"]
    body.append(
        str(
            Markup("<p>{} children, {} with signs of exploitation.</p>").format(
                kids["total"], kids["with_signs"]
            )
        )
    )
    body.append(str(_table(["route", "children", "with signs"], _route_rows(kids["by_route"]))))
    body.append("<h3>By route</h3>")
    body.append(bar_chart([(r["label"], r["people"]) for r in p["by_route"]]))
    body.append(str(_table(["route", "people", "with signs"], _route_rows(p["by_route"]))))
    body.append("<h3>By consent</h3>")
    body.append(str(_table(["consent", "people", "with signs"], _route_rows(p["by_consent"]))))
    body += _referral_sections(p)
    return body


def _route_rows(rows: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(r["label"], r["people"], r["with_signs"]) for r in rows]


def _referral_sections(p: dict[str, Any]) -> list[str]:
    """Referrals by the referring agency, and their follow-up status."""
    route_label = {r["code"]: r["label"] for r in p["by_route"]}
    agencies = [
        (
            r["label"],
            r["people"],
            ", ".join(f"{route_label.get(k, k)}: {n}" for k, n in r["by_route"].items()),
        )
        for r in p["referrals_by_agency"]
    ]
    follow = p["follow_ups"]
    note = (
        "No follow-up recorded at central yet: every referral counts as referred."
        if not follow["recorded"]
        else f"{follow['recorded']} follow-ups recorded at central."
    )
    return [
        str(Markup("<h3>Referrals by the referring agency: {}</h3>").format(p["referrals"])),
        str(_table(["agency", "people referred", "routes"], agencies)),
        "<h3>Follow-up of the referrals</h3>",
        str(Markup("<p class='sub'>{}</p>").format(note)),
        str(_table(["status", "people"], [(r["label"], r["people"]) for r in follow["by_status"]])),
    ]


def venue_rates_section(s: dict[str, Any]) -> list[str]:
    """Sign rates per venue: of engagements and of the people met one to one."""
    rows = [
        (
            v["name"],
            v["engagements"],
            v["with_signs"],
            _percent(v["sign_rate"]),
            v["people"],
            v["people_with_signs"],
            _percent(v["people_sign_rate"]),
        )
        for v in s["per_venue"]
    ]
    head = ["venue", "engagements", "with signs", "rate", "people", "with signs", "rate"]
    return ["<h2>Signs of exploitation per venue</h2>", str(_table(head, rows))]
