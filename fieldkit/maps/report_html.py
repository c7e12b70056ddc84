"""report.html: the summary as one self-contained page with inline SVG bar charts, no scripts.

Every text from the plan, the records or the code lists is escaped where it lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from fieldkit.codes import CodeBook, load_codes
from fieldkit.maps.charts import bar_chart, stacked_chart
from fieldkit.maps.hotspot_words import statistics_note
from fieldkit.maps.report_people_html import children_flag, people_sections, venue_rates_section
from fieldkit.page_policy import with_policy

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 980px; color: #222; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 17px; margin-top: 28px;
  border-bottom: 1px solid #ccc; } .sub { color: #555; } .empty { color: #b2182b;
  font-weight: bold; } table { border-collapse: collapse; margin: 6px 0; }
td, th { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; } .tiles { display: flex; gap: 12px; flex-wrap: wrap; }
.tile { border: 1px solid #ccc; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.tile b { display: block; font-size: 22px; } .warn { color: #b2182b; }
.flag { border-left: 5px solid #b2182b; background: #fbeaea; padding: 8px 12px; }
svg text { font: 12px system-ui, sans-serif; }
"""


def _label(codes: CodeBook, list_name: str, code: str) -> str:
    """A code's English label (the code itself if the operation added one the kit lacks)."""
    found = codes[list_name].get(code)
    return found.en if found is not None else code.replace("_", " ")


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return "<p class='sub'>None.</p>"
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def _tiles(s: dict[str, Any]) -> str:
    t, cov, p = s["totals"], s["coverage"], s["persons"]
    done = f"{cov['done']} / {cov['planned']}"
    tiles = [
        ("Children met one to one", p["children"]["total"]),
        ("People met one to one", p["total"]),
        ("People with signs of exploitation", p["with_signs"]),
        ("People referred", p["referrals"]),
        ("Engagements", t["engagements"]),
        ("People engaged in groups", t["people"]),
        ("Engagements with signs", t["with_signs"]),
        ("Referral outcomes of engagements", t["referrals"]),
        ("Planned visits done", done),
    ]
    return (
        "<div class='tiles'>"
        + "".join(f"<div class='tile'><b>{escape(str(v))}</b>{escape(k)}</div>" for k, v in tiles)
        + "</div>"
    )


def _quality(q: dict[str, Any]) -> str:
    parts = []
    if not q["central"]:
        parts.append("<p class='warn'>No central store (sync/central.db) yet: no records.</p>")
    parts.append(
        _table(
            ["", "count"],
            [
                ("Records received (all versions)", q["records"]),
                ("Engagements counted (latest versions)", q["engagements"]),
                ("... logged on fieldkit devices", q["by_source"]["device"]),
                ("... from phone forms (ODK Collect, KoboCollect)", q["by_source"]["odk"]),
                ("Engagements amended", q["amended"]),
                ("Conflicting amendments (counted once)", len(q["conflicts"])),
                ("Records failing verification (open problems)", len(q["problems"])),
                ("Problems since resolved", q["resolved_problems"]),
                ("Unreadable records", len(q["unreadable"])),
                ("Engagements with no location (not on the map)", len(q["unlocated"])),
                ("Venues without coordinates", len(q["venues_without_coordinates"])),
            ],
        )
    )
    if q["conflicts"]:
        parts.append("<h3>Conflicts</h3>")
        parts.append(
            _table(
                ["engagement", "versions", "devices", "counted"],
                [
                    (c["root"], ", ".join(c["versions"]), ", ".join(c["devices"]), c["counted"])
                    for c in q["conflicts"]
                ],
            )
        )
    if q["problems"]:
        parts.append("<h3>Verification problems</h3>")
        parts.append(
            _table(
                ["device", "kind", "record", "detail"],
                [(p["device"], p["kind"], p["record"], p["detail"]) for p in q["problems"]],
            )
        )
    return "".join(parts)


def render_report(s: dict[str, Any]) -> str:
    """The whole report page from build_summary()'s dict."""
    op = s["operation"]
    title = f"{op['name']} ({op['id']})"
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<div class='sub'>{escape(op['start'])} to {escape(op['end'])} · "
        f"{escape(op['area'] or '')} · data as of {escape(s['as_of'])}</div>",
    ]
    if s["empty"]:
        body.append(
            "<p class='empty'>No engagements recorded for this operation yet: the report shows "
            "the plan only.</p>"
        )
    body.append(children_flag(s["persons"]))
    body.append(_tiles(s))
    body += people_sections(s)
    body += _engagement_charts(s)
    body += venue_rates_section(s)
    body += _people_section(s["people"])
    body += _signs_and_outcomes(s)
    body += _coverage_section(s["coverage"])
    body += _hot_cells_section(s)
    body.append("<h2>Data quality</h2>")
    body.append(_quality(s["data_quality"]))
    return with_policy(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}: report</title><style>{CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def _engagement_charts(s: dict[str, Any]) -> list[str]:
    """Engagements per day, per venue type, per team and with each partner present."""
    return [
        "<h2>Engagements per day</h2>",
        bar_chart([(d["day"], d["engagements"]) for d in s["per_day"]]),
        "<h2>Engagements per venue type</h2>",
        bar_chart([(r["label"], r["engagements"]) for r in s["per_venue_type"]]),
        "<h2>Engagements per team</h2>",
        bar_chart([(r["label"], r["engagements"]) for r in s["per_team"]]),
        "<h2>Engagements with each partner present</h2>",
        bar_chart([(r["label"], r["engagements"]) for r in s["per_partner"]]),
    ]


def _people_section(people: dict[str, Any]) -> list[str]:
    """The people engaged by gender and age band (charts) and nationality (a table)."""
    body = [f"<h2>People engaged in groups: {people['total']}</h2>"]
    codes = load_codes()
    for key, name, code_list in (
        ("by_gender", "Gender", "genders"),
        ("by_age_band", "Age band", "age_bands"),
    ):
        body.append(f"<h3>{name}</h3>")
        body.append(bar_chart([(_label(codes, code_list, k), v) for k, v in people[key].items()]))
    body.append("<h3>Nationality</h3>")
    nationalities = [
        (_label(codes, "nationalities", k), v) for k, v in people["by_nationality"].items()
    ]
    body.append(_table(["nationality", "people"], nationalities))
    return body


def _signs_and_outcomes(s: dict[str, Any]) -> list[str]:
    """Signs seen by ILO indicator (chart and table), outcomes, and referrals by kind."""
    by_ilo = s["indicators"]["by_ilo"]
    signs = [(g["label"], i["label"], i["engagements"]) for g in by_ilo for i in g["indicators"]]
    referrals = [(r["label"], r["engagements"]) for r in s["referrals"]["by_kind"]]
    return [
        "<h2>Signs of exploitation by ILO indicator of forced labour</h2>",
        bar_chart([(g["label"], g["engagements"]) for g in by_ilo]),
        _table(["ILO indicator", "sign seen", "engagements"], signs),
        "<h2>Outcomes</h2>",
        bar_chart([(r["label"], r["engagements"]) for r in s["outcomes"]]),
        f"<h2>Referrals: {s['referrals']['total']}</h2>",
        _table(["kind", "count"], referrals),
    ]


def _coverage_section(cov: dict[str, Any]) -> list[str]:
    """Planned visits done, by team and venue type, and the ones not done."""
    body = [f"<h2>Coverage: {cov['done']} of {cov['planned']} planned visits done</h2>"]
    if cov["unassigned"]:
        body.append(f"<p>{cov['unassigned']} visit(s) of the playbook could not be planned.</p>")
    body.append("<h3>By team</h3>")
    body.append(
        stacked_chart([(r["team"], r["done"], r["planned"] - r["done"]) for r in cov["by_team"]])
    )
    body.append("<h3>By venue type</h3>")
    body.append(
        stacked_chart(
            [(r["code"], r["done"], r["planned"] - r["done"]) for r in cov["by_venue_type"]]
        )
    )
    body.append("<h3>Planned visits not done</h3>")
    body.append(
        _table(
            ["venue", "team", "start", "end"],
            [(m["venue_name"], m["team"], m["start"], m["end"]) for m in cov["missed_visits"]],
        )
    )
    return body


def _venue_words(cell: dict[str, Any]) -> Markup:
    """'Hand car wash' (inside) or 'nearest: Hand car wash, 120 m from the cell's centre'."""
    inside = [v["name"] for v in cell["venues"] if v["inside"]]
    if inside:
        return Markup("{}").format(", ".join(inside))
    if not cell["venues"]:
        return Markup("no venue in the plan")
    near = cell["venues"][0]
    return Markup("nearest: {}, {:,} m from the cell's centre").format(
        near["name"], near["distance_m"]
    )


def _cell_statistics(cell: dict[str, Any]) -> Markup:
    """The cell's H3 id and Gi* statistics, behind a click."""
    q = "" if cell["q"] is None else f", q {cell['q']:.3g}"
    return Markup(
        "<details><summary>Gi* statistics</summary>H3 cell {} at {:.5f}, {:.5f}; "
        "z {:.2f}, p {:.3g}{}</details>"
    ).format(cell["cell"], cell["lat"], cell["lon"], cell["z"], cell["p"], q)


def _hot_cells_section(s: dict[str, Any]) -> list[str]:
    """The top hot cells named by venue, in plain words; the statistics one click away."""
    a = s["analysis"]
    head = ["venues", "engagements", "with signs", "what it means", ""]
    rows = "".join(
        Markup(
            "<tr><td>{}</td><td class='n'>{}</td><td class='n'>{}</td><td>{}</td><td>{}</td></tr>"
        ).format(_venue_words(c), c["engagements"], c["count"], c["meaning"], _cell_statistics(c))
        for c in s["hot_cells"]
    )
    table = (
        Markup("<table><tr>{}</tr>{}</table>").format(
            Markup("").join(Markup("<th>{}</th>").format(h) for h in head), Markup(rows)
        )
        if s["hot_cells"]
        else Markup("<p class='sub'>No hot spot holds an engagement with signs.</p>")
    )
    settings = Markup(
        "<details><summary>How hot spots are found</summary><p>{}</p><p>H3 resolution {}; "
        "KDE bandwidth {:,.0f} m, cell {:,.0f} m.</p></details>"
    ).format(statistics_note(a["fdr"]), a["h3_resolution"], a["bandwidth_m"], a["cell_m"])
    return [
        "<h2>Top hot cells: where signs of exploitation concentrated</h2>",
        "<p>A hot spot has more engagements with signs here (the cell and the six around it) "
        "than chance would give; the confidence is given for each. Only cells where an "
        "engagement with signs was recorded are listed, named by the venues in them or the "
        "nearest one.</p>",
        str(table),
        str(settings),
    ]
