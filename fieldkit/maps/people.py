"""The people met one to one (format 2's persons), as the report and the partner share count
them: signs, children, routes, consent, referring agencies, follow-ups. Codes only, never a
name, a note or a referral reference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fieldkit.codes import CodeBook
from fieldkit.maps.followups import (
    REFERRAL_ROUTES,
    FollowUp,
    PersonKey,
    current_follow_ups,
    status_label,
)
from fieldkit.maps.source import OperationData, signs_of
from fieldkit.model import ENGAGEMENT_FORMAT, Engagement

CHILD = "under_18"
#: The referring agency when the officer who referred is not on the plan's roster.
UNKNOWN_AGENCY = "unknown"


@dataclass(frozen=True)
class MetPerson:
    """One person met one to one, as counted: codes, the referring agency, the follow-up."""

    key: PersonKey
    venue: str | None
    age_band: str
    signs: bool
    consent: str
    route: str
    #: The agency of the officer who referred (`by`, else the officer logging); None if not.
    agency: str | None
    follow_up: FollowUp | None

    @property
    def child(self) -> bool:
        return self.age_band == CHILD

    @property
    def referred(self) -> bool:
        return self.route in REFERRAL_ROUTES


def roster_agencies(plan: Mapping[str, Any]) -> dict[str, str]:
    """Each roster member's agency (partner code), from the plan's teams."""
    return {
        str(m["id"]): str(m.get("agency") or UNKNOWN_AGENCY)
        for team in plan.get("teams") or ()
        for m in team.get("members") or ()
    }


def met_persons(data: OperationData) -> list[MetPerson]:
    """Every person met one to one in the operation's counted engagements."""
    agencies = roster_agencies(data.plan)
    plain = []
    for rec in data.engagements:
        original = data.originals.get(rec.id, rec.id)
        for n, p in enumerate(rec.persons, start=1):
            referred = p.route in REFERRAL_ROUTES
            agency = agencies.get(p.by or rec.officer, UNKNOWN_AGENCY) if referred else None
            plain.append(((original, n), rec.venue, p, agency))
    follow = current_follow_ups(
        (pid for pid, _, p, _ in plain if p.route in REFERRAL_ROUTES), data.follow_ups
    )
    return [
        MetPerson(
            pid, venue, p.age_band, bool(p.signs), p.consent, p.route, agency, follow.get(pid)
        )
        for pid, venue, p, agency in plain
    ]


def _label(codes: CodeBook, list_name: str, code: str) -> str:
    found = codes[list_name].get(code)
    return found.en if found is not None else code.replace("_", " ")


def _rows(
    codes: CodeBook, list_name: str, people: Iterable[MetPerson], key: str
) -> list[dict[str, Any]]:
    """[{code, label, people, with_signs}] by one attribute, most first then by code."""
    chosen = list(people)
    every = Counter(getattr(p, key) for p in chosen)
    signs = Counter(getattr(p, key) for p in chosen if p.signs)
    return [
        {"code": c, "label": _label(codes, list_name, c), "people": n, "with_signs": signs[c]}
        for c, n in sorted(every.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _by_agency(codes: CodeBook, people: list[MetPerson]) -> list[dict[str, Any]]:
    """Referrals by the referring agency, each with its routes."""
    referred = [p for p in people if p.referred]
    by = Counter(str(p.agency) for p in referred)
    return [
        {
            "code": agency,
            "label": _label(codes, "partners", agency) if agency != UNKNOWN_AGENCY else "Unknown",
            "people": n,
            "by_route": dict(
                sorted(Counter(p.route for p in referred if p.agency == agency).items())
            ),
        }
        for agency, n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _follow_ups(codes: CodeBook, people: list[MetPerson], recorded: int) -> dict[str, Any]:
    """The referred persons by current follow-up status."""
    by = Counter(p.follow_up.status for p in people if p.follow_up is not None)
    return {
        "recorded": recorded,
        "by_status": [
            {"code": s, "label": status_label(codes, s).en, "people": n}
            for s, n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def persons_summary(data: OperationData, codes: CodeBook) -> dict[str, Any]:
    """summary.json's `persons`: see docs/report.md."""
    people = met_persons(data)
    children = [p for p in people if p.child]
    return {
        "total": len(people),
        "with_signs": sum(p.signs for p in people),
        "engagements_with_persons": sum(1 for r in data.engagements if r.persons),
        "engagements_before_persons": sum(
            1 for r in data.engagements if r.format == ENGAGEMENT_FORMAT
        ),
        "children": {
            "total": len(children),
            "with_signs": sum(p.signs for p in children),
            "by_route": _rows(codes, "routes", children, "route"),
        },
        "by_route": _rows(codes, "routes", people, "route"),
        "by_consent": _rows(codes, "consent", people, "consent"),
        "referrals": sum(p.referred for p in people),
        "referrals_by_agency": _by_agency(codes, people),
        "follow_ups": _follow_ups(codes, people, len(data.follow_ups)),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def per_venue(data: OperationData) -> list[dict[str, Any]]:
    """Sign rates per venue visited: engagements with signs of all engagements there, and
    people with signs of the people met one to one there."""
    names = {str(v["id"]): str(v.get("name") or v["id"]) for v in data.plan.get("venues") or ()}
    recs: dict[str, list[Engagement]] = {}
    for rec in data.engagements:
        if rec.venue:
            recs.setdefault(rec.venue, []).append(rec)
    people: dict[str, list[MetPerson]] = {}
    for p in met_persons(data):
        if p.venue:
            people.setdefault(p.venue, []).append(p)
    rows = []
    for venue, at in recs.items():
        signs = sum(1 for r in at if signs_of(r))
        met = people.get(venue, [])
        met_signs = sum(p.signs for p in met)
        rows.append(
            {
                "venue": venue,
                "name": names.get(venue, venue),
                "engagements": len(at),
                "with_signs": signs,
                "sign_rate": _rate(signs, len(at)),
                "people": len(met),
                "people_with_signs": met_signs,
                "people_sign_rate": _rate(met_signs, len(met)),
            }
        )
    return sorted(rows, key=lambda r: (-r["with_signs"], -r["engagements"], r["venue"]))
