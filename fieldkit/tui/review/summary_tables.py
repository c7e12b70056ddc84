"""Review mode's tables: each one's title and columns, and its rows from a summary."""

from __future__ import annotations

from typing import Any

#: (id, title, columns as (label, width)) of each summary table, in the order they are shown.
#: Fixed widths: the layout does not shift as rows arrive.
TABLES: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("totals", "Totals", (("", 30), ("count", 10))),
    ("per-day", "Engagements per day", (("day", 12), ("engagements", 12), ("people", 8))),
    ("per-venue-type", "Per venue type",
     (("venue type", 40), ("engagements", 12), ("people", 8))),
    ("per-team", "Per team", (("team", 24), ("engagements", 12), ("people", 8))),
    ("per-partner", "With partner present", (("partner", 66), ("engagements", 12))),
    ("ilo", "Signs by ILO indicator", (("ILO indicator", 40), ("engagements", 12))),
    ("outcomes", "Outcomes", (("outcome", 40), ("engagements", 12))),
    ("coverage", "Coverage (planned visits)", (("team", 24), ("planned", 8), ("done", 8))),
    ("hot-cells", "Top hot cells (Gi*)",
     (("cell", 16), ("engagements", 12), ("z", 8), ("class", 10))),
    ("conflicts", "Conflicts (counted once)",
     (("engagement", 12), ("versions", 40), ("devices", 30))),
    ("problems", "Verification problems",
     (("device", 18), ("kind", 14), ("record", 12), ("detail", 60))),
)  # fmt: skip


def table_rows(summary: dict[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    """The rows of every table in TABLES from a summary (build_summary's dict)."""
    t, cov, q = summary["totals"], summary["coverage"], summary["data_quality"]
    return {
        "totals": [
            ("Engagements", str(t["engagements"])),
            ("People engaged", str(t["people"])),
            ("With signs of exploitation", str(t["with_indicators"])),
            ("Referrals", str(t["referrals"])),
            ("Planned visits done", f"{cov['done']} of {cov['planned']}"),
            ("Visits not planned", str(cov["unassigned"])),
            ("Records failing verification", str(len(q["problems"]))),
            ("Conflicting amendments", str(len(q["conflicts"]))),
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
