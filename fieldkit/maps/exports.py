"""Exports: GeoJSON of cells and venues, engagements CSV (no notes), a suppressed partner share."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import h3

from fieldkit.codes import load_codes
from fieldkit.maps import csvcells
from fieldkit.maps.analysis import Analysis
from fieldkit.maps.people import met_persons
from fieldkit.maps.share_labels import category_label, table_title
from fieldkit.maps.share_people import people_share
from fieldkit.maps.source import OperationData
from fieldkit.maps.suppression import SUPPRESS_UNDER

SHARE_FORMAT = "fieldkit-partner-share/1"

#: Engagement CSV columns. Free text (notes, referral_ref) and the chain seal are never written.
CSV_COLUMNS = (
    "id", "version_of", "conflict", "operation", "team", "device", "officer", "time", "day",
    "venue", "venue_type", "visit", "lat", "lon", "accuracy_m", "people", "people_groups",
    "language", "interpreter", "partners", "indicators", "outcomes", "referral_ref_given",
)  # fmt: skip


def _ring(cell: str) -> list[list[float]]:
    ring = [[round(lon, 7), round(lat, 7)] for lat, lon in h3.cell_to_boundary(cell)]
    return [*ring, ring[0]]


def cells_geojson(analysis: Analysis) -> dict[str, Any]:
    """Every study cell as a polygon with its count, Gi* z, p (q when FDR) and class."""
    features = []
    hs = analysis.hotspots
    for c in hs.cells if hs is not None else ():
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [_ring(c.cell)]},
                "properties": {
                    "cell": c.cell,
                    "count": c.count,
                    "z": round(c.z, 6),
                    "p": round(c.p, 8),
                    "q": None if c.q is None else round(c.q, 8),
                    "class": c.klass,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "properties": {"h3_resolution": hs.resolution if hs else None, "fdr": bool(hs and hs.fdr)},
        "features": features,
    }


def venues_geojson(data: OperationData, analysis: Analysis) -> dict[str, Any]:
    """Venues as points with visits planned and done, engagements, people and referrals."""
    features = []
    for v in data.map_input.venues:
        t = analysis.venues[v.id]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
                "properties": {
                    "id": v.id,
                    "name": v.name,
                    "type": v.type,
                    "visits_planned": t.planned,
                    "visits_done": t.done,
                    "engagements": t.engagements,
                    "people": t.people,
                    "indicators": dict(sorted(t.indicators.items())),
                    "referrals": sum(t.referrals.values()),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def engagements_csv(data: OperationData) -> str:
    """One row per engagement (latest version), without notes or any other free text.

    Every text cell goes through text_cell (a record's text could be a formula); the numbers
    (position, accuracy, people) are written as numbers.
    """
    days = {p.id: p.day.isoformat() for p in data.map_input.engagements}
    out = io.StringIO()
    rows = csvcells.writer(out)
    rows.writerow(CSV_COLUMNS)
    t = csvcells.text_cell
    for r in data.engagements:
        rows.writerow(
            [
                t(r.id), t(r.amends or ""), "yes" if r.id in data.conflicted else "",
                t(r.operation), t(r.team), t(r.device), t(r.officer), t(r.time),
                t(days.get(r.id, r.time[:10])), t(r.venue or ""), t(r.venue_type), t(r.visit or ""),
                "" if r.lat is None else r.lat, "" if r.lon is None else r.lon,
                "" if r.accuracy_m is None else r.accuracy_m, r.people_count,
                t(";".join(f"{g.gender}:{g.age_band}:{g.nationality}:{g.count}" for g in r.people)),
                t(r.language or ""), "yes" if r.interpreter else "", t(";".join(r.partners)),
                t(";".join(r.indicators)), t(";".join(r.outcomes)),
                "yes" if r.referral_ref else "",
            ]
        )  # fmt: skip
    return out.getvalue()


@dataclass(frozen=True)
class ShareCell:
    """One count of the partner share; `count` is None when suppressed."""

    table: str
    category: str
    count: int | None
    en: str = ""
    ro: str = ""


#: Tables whose counts add up to a published total (so one suppressed cell could be derived).
ADDITIVE = ("engagements_by_day", "engagements_by_venue_type", "people_by_")


def _suppress(table: str, counts: Counter[str]) -> list[ShareCell]:
    """Suppress counts under SUPPRESS_UNDER; in a table that adds up to a published total, if
    only one was, also the next smallest, so it cannot be given away by subtraction."""
    small = {k for k, n in counts.items() if 0 < n < SUPPRESS_UNDER}
    if len(small) == 1 and table.startswith(ADDITIVE):
        rest = sorted((n, k) for k, n in counts.items() if k not in small and n > 0)
        if rest:
            small.add(rest[0][1])
    return [
        ShareCell(table, k, None if k in small else n)
        for k, n in sorted(counts.items(), key=lambda kv: kv[0])
    ]


def partner_share(data: OperationData, codes_ilo: dict[str, str]) -> list[ShareCell]:
    """Aggregate counts for partner agencies: codes only, every count under 5 suppressed."""
    recs = data.engagements
    tables: dict[str, Counter[str]] = {
        "engagements_total": Counter({"all": len(recs)}),
        "people_total": Counter({"all": sum(r.people_count for r in recs)}),
        "engagements_by_day": Counter(p.day.isoformat() for p in data.map_input.engagements),
        "engagements_by_venue_type": Counter(r.venue_type for r in recs),
        "engagements_by_partner_present": Counter(p for r in recs for p in r.partners),
        "people_by_nationality": Counter(),
        "people_by_gender": Counter(),
        "people_by_age_band": Counter(),
        "engagements_by_ilo_indicator": Counter(
            ilo for r in recs for ilo in {codes_ilo.get(i, "unmapped") for i in r.indicators}
        ),
        "engagements_by_outcome": Counter(o for r in recs for o in r.outcomes),
    }
    for r in recs:
        for g in r.people:
            tables["people_by_nationality"][g.nationality] += g.count
            tables["people_by_gender"][g.gender] += g.count
            tables["people_by_age_band"][g.age_band] += g.count
    codes = load_codes()
    cells: list[ShareCell] = []
    for name, counts in tables.items():
        for c in _suppress(name, counts):
            en, ro = category_label(codes, name, c.category)
            cells.append(replace(c, en=en, ro=ro))
    cells += [
        ShareCell(c.table, c.category, None if c.hidden else c.count, c.en, c.ro)
        for c in people_share(met_persons(data), codes)
    ]
    return cells


def share_json(data: OperationData, cells: list[ShareCell]) -> dict[str, Any]:
    """The partner share as JSON: counts (null when suppressed), titles and labels in English
    and Romanian."""
    mi = data.map_input
    codes = load_codes()
    tables = list(dict.fromkeys(c.table for c in cells))
    return {
        "format": SHARE_FORMAT,
        "operation": {
            "id": mi.operation_id,
            "start": mi.period[0].isoformat(),
            "end": mi.period[1].isoformat(),
        },
        "suppressed_under": SUPPRESS_UNDER,
        "tables": {
            table: {c.category: c.count for c in cells if c.table == table} for table in tables
        },
        "titles": {
            table: dict(zip(("en", "ro"), table_title(codes, table), strict=True))
            for table in tables
        },
        "labels": {
            table: {c.category: {"en": c.en, "ro": c.ro} for c in cells if c.table == table}
            for table in tables
        },
    }


def share_csv(cells: list[ShareCell]) -> str:
    """The partner share as CSV; a category comes from records' codes, so it is a text cell."""
    out = io.StringIO()
    rows = csvcells.writer(out)
    rows.writerow(("table", "category", "count", "suppressed", "label_en", "label_ro"))
    t = csvcells.text_cell
    for c in cells:
        suppressed = c.count is None
        rows.writerow(
            (
                c.table,
                t(c.category),
                "" if suppressed else c.count,
                "yes" if suppressed else "",
                t(c.en),
                t(c.ro),
            )
        )
    return out.getvalue()


EXPORT_FILES = (
    "cells.geojson",
    "venues.geojson",
    "engagements.csv",
    "partner-share.csv",
    "partner-share.json",
)


def write_exports(
    data: OperationData, analysis: Analysis, folder: Path, codes_ilo: dict[str, str]
) -> list[Path]:
    """Write every export into `folder`; returns the paths in EXPORT_FILES order."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = partner_share(data, codes_ilo)
    texts = {
        "cells.geojson": json.dumps(cells_geojson(analysis)),
        "venues.geojson": json.dumps(venues_geojson(data, analysis), ensure_ascii=False),
        "engagements.csv": engagements_csv(data),
        "partner-share.csv": share_csv(cells),
        "partner-share.json": json.dumps(share_json(data, cells), indent=1) + "\n",
    }
    paths = []
    for name in EXPORT_FILES:
        path = folder / name
        path.write_text(texts[name], encoding="utf-8", newline="")
        paths.append(path)
    return paths
