"""The operation's summary (summary.json, see docs/report.md): counts, coverage, hot cells.

Counts, codes and labels only: no notes, no free text, no names of the people engaged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from fieldkit.central.odk_record import is_odk_device
from fieldkit.codes import CodeBook, load_codes
from fieldkit.maps.analysis import REFERRAL_OUTCOMES, Analysis
from fieldkit.maps.gistar import MAX_CELLS, MAX_RESOLUTION, MIN_RESOLUTION, RESOLUTION_RULE
from fieldkit.maps.hot_cells import hot_cells
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.kde import BANDWIDTH_RULE
from fieldkit.maps.people import per_venue, persons_summary
from fieldkit.maps.source import OperationData, signs_of
from fieldkit.model import Engagement

SUMMARY_FORMAT = "fieldkit-summary/1"
UNKNOWN_ILO = "unmapped"


def _label(codes: CodeBook, list_name: str, code: str) -> str:
    found = codes[list_name].get(code)
    return found.en if found is not None else code.replace("_", " ")


def _rows(
    codes: CodeBook, list_name: str | None, counts: Counter[str], people: Counter[str] | None = None
) -> list[dict[str, Any]]:
    """[{code, label, engagements[, people]}], most first then by code."""
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        row: dict[str, Any] = {
            "code": code,
            "label": _label(codes, list_name, code) if list_name else code,
            "engagements": n,
        }
        if people is not None:
            row["people"] = people[code]
        out.append(row)
    return out


def _days(period: tuple[date, date], seen: Iterable[date]) -> list[date]:
    start, end = period
    days = {date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)}
    return sorted(days | set(seen))


def _coverage(data: OperationData, analysis: Analysis) -> dict[str, Any]:
    mi = data.map_input
    missed = {v.visit_id for v in analysis.missed_visits}
    by_team: dict[str, Counter[str]] = {}
    by_type: dict[str, Counter[str]] = {}
    for visit in mi.visits:
        vtype = mi.venue_index[visit.venue_id].type
        for key, table in ((visit.team or "none", by_team), (vtype, by_type)):
            tally = table.setdefault(key, Counter())
            tally["planned"] += 1
            tally["done"] += visit.visit_id not in missed
    planned = len(mi.visits)
    done = planned - len(missed)
    return {
        "planned": planned,
        "done": done,
        "missed": len(missed),
        "share_done": round(done / planned, 4) if planned else None,
        "unassigned": len(data.quality.unassigned_visits),
        "by_team": [
            {"team": k, "planned": v["planned"], "done": v["done"]}
            for k, v in sorted(by_team.items())
        ],
        "by_venue_type": [
            {"code": k, "planned": v["planned"], "done": v["done"]}
            for k, v in sorted(by_type.items())
        ],
        "missed_visits": [
            {
                "visit": v.visit_id,
                "venue": v.venue_id,
                "venue_name": mi.venue_index[v.venue_id].name,
                "team": v.team,
                "start": v.start.isoformat(),
                "end": v.end.isoformat(),
            }
            for v in analysis.missed_visits
        ],
    }


def _quality(data: OperationData) -> dict[str, Any]:
    q = data.quality
    return {
        "central": q.central,
        "records": q.records,
        "engagements": len(data.engagements),
        "amended": q.amended,
        "conflicts": [asdict(c) for c in q.conflicts],
        "problems": [
            {k: p.get(k) for k in ("device", "kind", "record", "detail", "found_at")}
            for p in q.problems
        ],
        "resolved_problems": q.resolved_problems,
        "unreadable": list(q.unreadable),
        "unlocated": list(q.unlocated),
        "venues_without_coordinates": list(q.venues_without_coordinates),
        "by_source": by_source(data.engagements),
    }


def by_source(recs: tuple[Engagement, ...]) -> dict[str, int]:
    """Engagements counted by where they came from: fieldkit devices, or phone forms (ODK)."""
    odk = sum(1 for r in recs if is_odk_device(r.device))
    return {"device": len(recs) - odk, "odk": odk}


@dataclass
class _Counts:
    """What the engagements add up to: by venue type, team, partner, outcome, sign and ILO
    indicator, and the people met by gender, age band and nationality."""

    vtype: Counter[str] = field(default_factory=Counter)
    vtype_people: Counter[str] = field(default_factory=Counter)
    team: Counter[str] = field(default_factory=Counter)
    team_people: Counter[str] = field(default_factory=Counter)
    partner: Counter[str] = field(default_factory=Counter)
    outcome: Counter[str] = field(default_factory=Counter)
    indicator: Counter[str] = field(default_factory=Counter)
    ilo: Counter[str] = field(default_factory=Counter)
    gender: Counter[str] = field(default_factory=Counter)
    age: Counter[str] = field(default_factory=Counter)
    nationality: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, recs: Iterable[Engagement], ilo_of: dict[str, str]) -> _Counts:
        """The counts of these engagements; `ilo_of` maps an indicator to its ILO indicator."""
        c = cls()
        for rec in recs:
            n = rec.people_count
            c.vtype[rec.venue_type] += 1
            c.vtype_people[rec.venue_type] += n
            c.team[rec.team] += 1
            c.team_people[rec.team] += n
            c.partner.update(rec.partners)
            c.outcome.update(rec.outcomes)
            c.indicator.update(rec.indicators)
            c.ilo.update({ilo_of.get(i, UNKNOWN_ILO) for i in rec.indicators})
            for g in rec.people:
                c.gender[g.gender] += g.count
                c.age[g.age_band] += g.count
                c.nationality[g.nationality] += g.count
        return c


def build_summary(
    data: OperationData, analysis: Analysis, codes: CodeBook | None = None
) -> dict[str, Any]:
    """summary.json as a dict; the format is documented in docs/report.md."""
    codes = codes or load_codes()
    mi = data.map_input
    recs = data.engagements
    ilo_of = {c.code: str(c.attrs.get("ilo") or UNKNOWN_ILO) for c in codes.indicators}
    counts = _Counts.of(recs, ilo_of)
    referrals = Counter({k: v for k, v in counts.outcome.items() if k in REFERRAL_OUTCOMES})
    return {
        "format": SUMMARY_FORMAT,
        "operation": _operation(mi),
        "as_of": mi.as_of.isoformat(),
        "empty": data.empty,
        "totals": _totals(recs, referrals),
        "per_day": _per_day(data),
        "per_venue_type": _rows(codes, "venue_types", counts.vtype, counts.vtype_people),
        "per_team": _per_team(data, codes, counts),
        "per_partner": _rows(codes, "partners", counts.partner),
        "people": {
            "total": sum(r.people_count for r in recs),
            "by_gender": dict(sorted(counts.gender.items())),
            "by_age_band": dict(sorted(counts.age.items())),
            "by_nationality": dict(
                sorted(counts.nationality.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        },
        "persons": persons_summary(data, codes),
        "per_venue": per_venue(data),
        "indicators": {
            "engagements_with_indicators": sum(1 for r in recs if r.indicators),
            "by_ilo": _ilo_groups(codes, counts, ilo_of),
        },
        "outcomes": _rows(codes, "outcomes", counts.outcome),
        "referrals": {
            "total": sum(referrals.values()),
            "by_kind": _rows(codes, "outcomes", referrals),
        },
        "coverage": _coverage(data, analysis),
        "hot_cells": hot_cells(mi, analysis),
        "analysis": _analysis(analysis),
        "data_quality": _quality(data),
    }


def _operation(mi: MapInput) -> dict[str, Any]:
    """The operation's id, name, dates, time zone and area."""
    start, end = mi.period
    return {
        "id": mi.operation_id,
        "name": mi.operation_name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone": mi.timezone,
        "area": mi.area_name,
    }


def _totals(recs: tuple[Engagement, ...], referrals: Counter[str]) -> dict[str, Any]:
    """Engagements, people, signs, referrals and venues visited, over the whole operation."""
    return {
        "engagements": len(recs),
        "people": sum(r.people_count for r in recs),
        "with_indicators": sum(1 for r in recs if r.indicators),
        "with_signs": sum(1 for r in recs if signs_of(r)),
        "referrals": sum(referrals.values()),
        "engagements_with_referral": sum(
            1 for r in recs if any(o in REFERRAL_OUTCOMES for o in r.outcomes)
        ),
        "venues_visited": len({r.venue for r in recs if r.venue}),
    }


def _per_day(data: OperationData) -> list[dict[str, Any]]:
    """Engagements and people on each day of the operation (and any day logged outside it)."""
    mi = data.map_input
    per_day: Counter[date] = Counter()
    people_day: Counter[date] = Counter()
    zone_days = {p.id: p.day for p in mi.engagements}
    for rec in data.engagements:
        day = zone_days.get(rec.id) or date.fromisoformat(rec.time[:10])
        per_day[day] += 1
        people_day[day] += rec.people_count
    return [
        {"day": d.isoformat(), "engagements": per_day[d], "people": people_day[d]}
        for d in _days(mi.period, per_day)
    ]


def _per_team(data: OperationData, codes: CodeBook, counts: _Counts) -> list[dict[str, Any]]:
    """Engagements and people per team, labelled with the team's name from the plan."""
    team_names = {str(t["id"]): str(t.get("name") or t["id"]) for t in data.plan.get("teams", [])}
    per_team = _rows(codes, None, counts.team, counts.team_people)
    for row in per_team:
        row["label"] = team_names.get(row["code"], row["code"])
    return per_team


def _ilo_groups(codes: CodeBook, counts: _Counts, ilo_of: dict[str, str]) -> list[dict[str, Any]]:
    """Engagements per ILO indicator of forced labour, each with its signs, most first."""
    groups = []
    for code, n in sorted(counts.ilo.items(), key=lambda kv: (-kv[1], kv[0])):
        members = Counter(
            {i: k for i, k in counts.indicator.items() if ilo_of.get(i, UNKNOWN_ILO) == code}
        )
        label = _label(codes, "ilo_indicators", code) if code != UNKNOWN_ILO else "Not mapped"
        groups.append(
            {
                "code": code,
                "label": label,
                "engagements": n,
                "indicators": _rows(codes, "indicators", members),
            }
        )
    return groups


def _analysis(analysis: Analysis) -> dict[str, Any]:
    """The analysis' settings and the rules that chose them; the Gi* cells per class."""
    hs = analysis.hotspots
    return {
        "bandwidth_m": round(analysis.bandwidth_m, 1),
        "bandwidth_rule": BANDWIDTH_RULE,
        "cell_m": round(analysis.cell_m, 1),
        "h3_resolution": hs.resolution if hs else None,
        "h3_rule": RESOLUTION_RULE.format(
            lo=MIN_RESOLUTION, hi=MAX_RESOLUTION, max_cells=f"{MAX_CELLS:,}"
        ),
        "fdr": hs.fdr if hs else False,
        "cells": dict(sorted(hs.by_class().items())) if hs else {},
    }
