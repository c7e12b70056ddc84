"""A small fixed operation for the map, report, export and Review tests: plan.json and central.db.

Everything is fixed (ids, keys, times), so summaries and snapshots are the same on every run.
Three devices log 40 engagements; a cluster of 24 sits by the car wash. One record is amended
twice, one is amended by two devices (a conflict), one carries a note that must never show, one
arrives with a bad signature and one after a gap in its device's chain.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup
from fieldkit.workspace import FOLDERS, Workspace

OP = "testop"
SECRET_NOTE = "SECRET-NOTE-named-person"
REFERRAL_REF = "REF-12345-XYZ"
BST = "+01:00"

VENUES = [
    {"id": "carwash", "name": "Hand car wash, Edgware Road", "type": "car_wash",
     "lat": 51.5905, "lon": -0.2566},
    {"id": "church", "name": "Romanian church, Burnt Oak", "type": "church",
     "lat": 51.6030, "lon": -0.2640},
    {"id": "nails", "name": "Nail bar, Finchley", "type": "nail_bar",
     "lat": 51.6010, "lon": -0.1930},
    {"id": "shelter", "name": "Night shelter, Barnet", "type": "homeless_shelter",
     "lat": 51.6520, "lon": -0.2000},
    {"id": "nowhere", "name": "Address to be found", "type": "brothel", "lat": None, "lon": None},
]  # fmt: skip
TEAMS = ("alpha", "bravo", "charlie")


def _visit(venue: str, day: int, hour: int, team: str) -> tuple[dict[str, Any], dict[str, Any]]:
    vid = f"act.{venue}.2023-09-{day:02d}"
    start = f"2023-09-{day:02d}T{hour:02d}:00:00{BST}"
    end = f"2023-09-{day:02d}T{hour + 2:02d}:00:00{BST}"
    visit = {
        "id": vid, "activity": "act", "activity_name": "Evening visits", "venue": venue,
        "day": f"2023-09-{day:02d}", "window_start": start, "window_end": end,
        "duration_min": 120, "skills": [], "partners": [], "priority": 3, "lead": None,
    }  # fmt: skip
    assignment = {
        "visit": vid,
        "team": team,
        "start": start,
        "end": end,
        "travel_min": 10,
        "locked": False,
    }
    return visit, assignment


def plan_doc() -> dict[str, Any]:
    """A plan.json to the contract: 3 teams, 5 venues, 6 assigned visits and 1 unassigned."""
    pairs = [
        _visit("carwash", 25, 19, "alpha"),
        _visit("carwash", 27, 19, "alpha"),
        _visit("church", 24, 12, "bravo"),
        _visit("nails", 26, 14, "bravo"),
        _visit("shelter", 28, 20, "charlie"),
        _visit("shelter", 29, 20, "charlie"),
    ]
    lost, _ = _visit("church", 30, 12, "bravo")
    return {
        "format": "fieldkit-plan/1",
        "operation": {
            "id": OP, "name": "Test week of action", "start": "2023-09-24", "end": "2023-09-30",
            "timezone": "Europe/London",
            "area": {"name": "Test borough", "centre": [51.605, -0.205], "outline": [
                [51.67, -0.305], [51.67, -0.135], [51.625, -0.12], [51.56, -0.165],
                [51.555, -0.235], [51.59, -0.285]]},
        },
        "teams": [
            {"id": t, "name": f"Team {t.title()}", "call_sign": t.upper(), "base": "carwash",
             "members": [], "skills": [], "partners": []}
            for t in TEAMS
        ],
        "venues": VENUES,
        "visits": [v for v, _ in pairs] + [lost],
        "assignments": [a for _, a in pairs],
        "unassigned": [{"visit": lost["id"], "reasons": ["no team free"]}],
        "solver": {},
        "playbook": {"path": "playbooks/test.yaml", "sha256": "0" * 64},
    }  # fmt: skip


def _key(n: int) -> DeviceKey:
    return DeviceKey(Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32))


def _rid(n: int) -> str:
    return f"01900000-0000-7000-8000-{n:012d}"


class _Chain:
    """One device's records, chained and signed as a device would."""

    def __init__(self, device: str, team: str, n: int) -> None:
        self.device, self.team, self.key = device, team, _key(n)
        self.records: list[Engagement] = []
        self.prev = GENESIS_HASH

    def add(self, rid: int, when: datetime, **fields: Any) -> Engagement:
        hlc = f"{int(when.timestamp() * 1000):015d}-{rid % 100000:05d}"
        base = {
            "id": _rid(rid), "device": self.device, "officer": f"pc-{self.team}",
            "operation": OP, "team": self.team, "hlc": hlc,
            "recorded_at": (when + timedelta(minutes=2)).isoformat(),
            "timezone": "Europe/London", "time": when.isoformat(), "venue_type": "car_wash",
        }  # fmt: skip
        rec = Engagement(**{**base, **fields}).sealed(self.prev, self.key.sign)
        self.prev = rec.hash
        self.records.append(rec)
        return rec


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"2023-09-{day:02d}T{hour:02d}:{minute:02d}:00{BST}")


def build_records() -> dict[str, _Chain]:
    """The three devices' chains (see the module docstring)."""
    rng = random.Random(7)
    chains = {t: _Chain(f"{t}-dev", t, i + 1) for i, t in enumerate(TEAMS)}
    alpha, bravo, charlie = chains["alpha"], chains["bravo"], chains["charlie"]
    people = [PeopleGroup("male", "age_25_34", "romanian", 2)]
    for i in range(24):  # the cluster at the car wash, two evenings
        day = 25 if i < 12 else 27
        lat = 51.5905 + rng.uniform(-0.0015, 0.0015)
        lon = -0.2566 + rng.uniform(-0.002, 0.002)
        alpha.add(
            100 + i, _at(day, 19, 2 * i % 60), venue="carwash", venue_type="car_wash",
            visit=f"act.carwash.2023-09-{day}", lat=lat, lon=lon, people=tuple(people),
            partners=("anitp",) if i % 2 else (), indicators=("long_hours", "owes_debt"),
            outcomes=("leaflet_given", "nrm_referral") if i % 6 == 0 else ("leaflet_given",),
            notes=SECRET_NOTE if i == 3 else None,
            referral_ref=REFERRAL_REF if i == 0 else None,
        )  # fmt: skip
    for i in range(8):  # the church and the nail bar
        venue = VENUES[1] if i < 4 else VENUES[2]
        bravo.add(
            200 + i, _at(24 if i < 4 else 26, 12 if i < 4 else 14, 5 * i), venue=venue["id"],
            venue_type=venue["type"], lat=None, lon=None,
            people=(PeopleGroup("female", "age_18_24", "romanian", 1),),
            indicators=("anxious_afraid",) if i == 5 else (), outcomes=("helpline_signposted",),
        )  # fmt: skip
    for i in range(8):  # spread over the borough, no venue
        charlie.add(
            300 + i, _at(28, 21, 3 * i), venue=None, venue_type="street_or_transport_hub",
            lat=51.58 + 0.01 * i, lon=-0.28 + 0.015 * i,
            people=(PeopleGroup("male", "age_35_49", "moldovan", 1),), outcomes=("no_concerns",),
        )  # fmt: skip
    # Amendments: 101 amended twice by alpha; 102 amended by alpha and by bravo (a conflict).
    first = alpha.add(400, _at(25, 23), amends=_rid(101), venue="carwash", lat=51.5905,
                      lon=-0.2566, people=(PeopleGroup("male", "age_25_34", "romanian", 3),),
                      outcomes=("leaflet_given",))  # fmt: skip
    alpha.add(401, _at(25, 23, 30), amends=first.id, venue="carwash", lat=51.5905, lon=-0.2566,
              people=(PeopleGroup("male", "age_25_34", "romanian", 4),),
              outcomes=("leaflet_given",))  # fmt: skip
    alpha.add(402, _at(26, 9), amends=_rid(102), venue="carwash", lat=51.5905, lon=-0.2566,
              outcomes=("leaflet_given",))  # fmt: skip
    bravo.add(403, _at(26, 10), amends=_rid(102), venue="carwash", lat=51.5905, lon=-0.2566,
              outcomes=("safeguarding_referral",))  # fmt: skip
    return chains


def make_workspace(root: Path, with_central: bool = True) -> Workspace:
    """A workspace holding ops/testop/plan.json and (unless told not) sync/central.db."""
    for name in FOLDERS:
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "ops" / OP).mkdir(exist_ok=True)
    (root / "ops" / OP / "plan.json").write_text(json.dumps(plan_doc(), indent=1), "utf-8")
    if with_central:
        fill_central(root / "sync" / "central.db")
    return Workspace(root)


def fill_central(path: Path) -> None:
    """Enrol the three devices and ingest their records, plus a forged and a gapped one."""
    chains = build_records()
    with Central(path, create=True) as central:
        for chain in chains.values():
            cid, _ = central.enroll_device(chain.team, OP, f"pc-{chain.team}", chain.device)
            row = central.device_row(cid)
            assert row is not None
            central.bind(row, chain.device, chain.key.public_hex)
        for chain in chains.values():
            records = [r.to_dict() for r in chain.records]
            if chain.team == "charlie":
                forged = dict(records[-1], signature=_key(9).sign(bytes(32)))
                gapped = records[:2]  # charlie's third record is held back: a gap after it
                ingest(central, chain.device, chain.key.public_hex, gapped + records[3:-1])
                ingest(central, chain.device, chain.key.public_hex, [forged])
                continue
            ingest(central, chain.device, chain.key.public_hex, records)
