"""Review mode's tables: each one's title and columns, and its rows from a summary."""

from __future__ import annotations

from typing import Any

from fieldkit.i18n import N_, _

#: (id, title, columns as (label, width)) of each summary table, in the order they are shown.
#: Fixed widths: the layout does not shift as rows arrive.
#: Titles and column labels are English, marked N_: the screen shows them translated.
TABLES: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("totals", N_("Totals"), (("", 30), (N_("count"), 10))),
    ("per-day", N_("Engagements per day"),
     ((N_("day"), 12), (N_("engagements"), 12), (N_("people"), 8))),
    ("per-venue-type", N_("Per venue type"),
     ((N_("venue type"), 40), (N_("engagements"), 12), (N_("people"), 8))),
    ("per-team", N_("Per team"), ((N_("team"), 24), (N_("engagements"), 12), (N_("people"), 8))),
    ("per-partner", N_("With partner present"), ((N_("partner"), 66), (N_("engagements"), 12))),
    ("ilo", N_("Signs by ILO indicator"), ((N_("ILO indicator"), 40), (N_("engagements"), 12))),
    ("outcomes", N_("Outcomes"), ((N_("outcome"), 40), (N_("engagements"), 12))),
    ("coverage", N_("Coverage (planned visits)"),
     ((N_("team"), 24), (N_("planned"), 8), (N_("done"), 8))),
    ("hot-cells", N_("Top hot cells (Gi*)"),
     ((N_("cell"), 16), (N_("engagements"), 12), ("z", 8), (N_("class"), 10))),
    ("conflicts", N_("Conflicts (counted once)"),
     ((N_("engagement"), 12), (N_("versions"), 40), (N_("devices"), 30))),
    ("problems", N_("Verification problems"),
     ((N_("device"), 18), (N_("kind"), 14), (N_("record"), 12), (N_("detail"), 60))),
)  # fmt: skip


def table_rows(summary: dict[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    """The rows of every table in TABLES from a summary (build_summary's dict)."""
    t, cov, q = summary["totals"], summary["coverage"], summary["data_quality"]
    return {
        "totals": [
            (_("Engagements"), str(t["engagements"])),
            (_("People engaged"), str(t["people"])),
            (_("With signs of exploitation"), str(t["with_indicators"])),
            (_("Referrals"), str(t["referrals"])),
            (
                _("Planned visits done"),
                _("{done} of {planned}").format(done=cov["done"], planned=cov["planned"]),
            ),
            (_("Visits not planned"), str(cov["unassigned"])),
            (_("Records failing verification"), str(len(q["problems"]))),
            (_("Conflicting amendments"), str(len(q["conflicts"]))),
        ],
        "per-day": [
            (d["day"], str(d["engagements"]), str(d["people"])) for d in summary["per_day"]
        ],
        "per-venue-type": [
            (r["label"], str(r["engagements"]), str(r["people"])) for r in summary["per_venue_type"]
        ],
        "per-team": [
            (r["label"], str(r["engagements"]), str(r["people"])) for r in summary["per_team"]
        ],
        "per-partner": [(r["label"], str(r["engagements"])) for r in summary["per_partner"]],
        "ilo": [(g["label"], str(g["engagements"])) for g in summary["indicators"]["by_ilo"]],
        "outcomes": [(r["label"], str(r["engagements"])) for r in summary["outcomes"]],
        "coverage": [(r["team"], str(r["planned"]), str(r["done"])) for r in cov["by_team"]],
        "hot-cells": [
            (c["cell"], str(c["count"]), f"{c['z']:.2f}", c["class"].replace("_", " ") + "%")
            for c in summary["hot_cells"]
        ],
        "conflicts": [
            (c["root"][-12:], ", ".join(v[-12:] for v in c["versions"]), ", ".join(c["devices"]))
            for c in q["conflicts"]
        ],
        "problems": [
            (str(p["device"]), str(p["kind"]), str(p["record"] or "")[-12:], str(p["detail"]))
            for p in q["problems"]
        ],
    }
