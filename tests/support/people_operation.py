"""A tiny operation to count people by hand: 2 format-1 and 4 format-2 records at 2 venues.

    rec  format  venue    group  signs (engagement)  persons met one to one
    1    1       carwash  3      long_hours          (none: before persons were kept)
    2    1       church   2      -                   (none)
    3    2       carwash  -      -                   P1 child  owes_debt   not_asked nrm  by pc-met
                                                     P2 adult  long_hours  yes  nrm  by pc-met
                                                     P3 adult  -           not_asked none
    4    2       church   -      -                   P4 adult  isolated    no   duty_to_notify
                                                                                (pc-met logging)
                                                     P5 adult  isolated    yes  partner_support
                                                                                by anitp-ioana
    5    2       carwash  4      -                   (none)
    6    2       church   -      -                   P6 child  -           not_asked none
    7    2       amends 4: the outcome leaflet_given added, the same persons (4 is not counted)

By hand: 6 persons, 4 with signs (P1 P2 P4 P5); 2 children (P1 P6), 1 with signs; routes nrm 2,
none 2, duty_to_notify 1, partner_support 1; consent not_asked 3, yes 2, no 1; 4 referrals, by
met_police 3 (nrm 2, duty_to_notify 1) and anitp 1; with no follow-up events all 4 are
`referred`. Engagements before persons: 2. Car wash: 2 of 3 engagements with signs (1, 3),
2 of 3 persons (P1 P2); church: 1 of 3 engagements (4), 2 of 3 persons (P4 P5).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.field.keys import DeviceKey
from fieldkit.model import ENGAGEMENT_FORMAT_2, GENESIS_HASH, Engagement, PeopleGroup, Person
from fieldkit.workspace import FOLDERS, Workspace

OP = "peopleop"
DEVICE = "alpha-dev"
NOTE = "NOTE-she-named-the-manager"
REF = "NRM-REF-0042"
CAR_WASH, CHURCH = "carwash", "church"


def plan_doc() -> dict[str, Any]:
    """A plan.json with one team of a Met officer and an ANITP officer, and two venues."""
    members = [
        {"id": "pc-met", "name": "PC One", "agency": "met_police", "skills": []},
        {"id": "anitp-ioana", "name": "Ioana", "agency": "anitp", "skills": []},
    ]
    return {
        "format": "fieldkit-plan/1",
        "operation": {"id": OP, "name": "People count", "start": "2023-09-24",
                      "end": "2023-09-30", "timezone": "Europe/London"},
        "teams": [{"id": "alpha", "name": "Team Alpha", "members": members}],
        "venues": [
            {"id": CAR_WASH, "name": "Hand car wash", "type": "car_wash",
             "lat": 51.5905, "lon": -0.2566},
            {"id": CHURCH, "name": "Romanian church", "type": "church",
             "lat": 51.6030, "lon": -0.2640},
        ],
        "visits": [], "assignments": [], "unassigned": [],
    }  # fmt: skip


def _persons() -> dict[int, tuple[Person, ...]]:
    child = Person("female", "under_18", "romanian", signs=("owes_debt",), route="nrm",
                   by="pc-met", ref=REF)  # fmt: skip
    adult = Person("male", "age_25_34", "romanian")
    return {
        3: (
            child,
            replace(adult, signs=("long_hours",), consent="yes", route="nrm", by="pc-met"),
            adult,
        ),
        4: (
            Person(
                "female",
                "age_18_24",
                "romanian",
                signs=("isolated",),
                consent="no",
                route="duty_to_notify",
            ),
            Person(
                "female",
                "age_18_24",
                "moldovan",
                signs=("isolated",),
                consent="yes",
                route="partner_support",
                by="anitp-ioana",
            ),
        ),  # fmt: skip
        6: (Person("male", "under_18", "romanian"),),
    }


def record_id(n: int) -> str:
    return f"01900000-0000-7000-8000-{n:012d}"


def build_records(key: DeviceKey) -> list[Engagement]:
    """The seven records of the table above, chained and signed by one device."""
    persons = _persons()
    venues = {1: CAR_WASH, 2: CHURCH, 3: CAR_WASH, 4: CHURCH, 5: CAR_WASH, 6: CHURCH}
    groups = {1: 3, 2: 2, 5: 4}
    out, prev = [], GENESIS_HASH
    start = datetime.fromisoformat("2023-09-26T19:00:00+01:00")
    for n in range(1, 7):
        when = start + timedelta(minutes=10 * n)
        group = (PeopleGroup("male", "age_25_34", "romanian", groups[n]),) if n in groups else ()
        rec = Engagement(
            id=record_id(n), device=DEVICE, officer="pc-met", operation=OP, team="alpha",
            hlc=f"{int(when.timestamp() * 1000):015d}-{n:05d}",
            recorded_at=when.isoformat(), timezone="Europe/London", time=when.isoformat(),
            venue=venues[n], venue_type="car_wash" if venues[n] == CAR_WASH else "church",
            people=group,
            indicators=("long_hours",) if n == 1 else (), notes=NOTE,
            format=ENGAGEMENT_FORMAT_2 if n > 2 else "fieldkit-engagement/1",
            persons=persons.get(n, ()),
        ).sealed(prev, key.sign)  # fmt: skip
        prev = rec.hash
        out.append(rec)
    amended = replace(
        out[3], id=record_id(7), hlc=out[-1].hlc[:-5] + "00007", amends=record_id(4),
        outcomes=("leaflet_given",), seals=(),
    ).sealed(prev, key.sign)  # fmt: skip
    return [*out, amended]


def make_workspace(root: Path) -> Workspace:
    """ops/peopleop/plan.json and sync/central.db holding the seven records."""
    for name in FOLDERS:
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "ops" / OP).mkdir()
    (root / "ops" / OP / "plan.json").write_text(json.dumps(plan_doc()), "utf-8")
    key = DeviceKey(Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32))
    with Central(root / "sync" / "central.db", create=True) as central:
        cid, _ = central.enroll_device("alpha", OP, "pc-met", DEVICE)
        row = central.device_row(cid)
        assert row is not None
        central.bind(row, DEVICE, key.public_hex)
        result = ingest(central, DEVICE, key.public_hex, [r.to_dict() for r in build_records(key)])
        assert result.new == 7 and not result.rejected, result
    return Workspace(root)
