"""A central store holding records of several ages, for the retention tests.

    rec  day         what                           review as of 2030-01-15
    1    2022-06-01  NRM referral, notes and a ref  text: 2028-06-01, past: text removed
    2    2025-06-01  NRM referral, notes and a ref  text: 2031-06-01, kept
    4    2029-03-01  no concerns                    whole: 2030-03-01, kept
    5    2027-01-01  leaflet given, notes           text: 2029-01-01, past: text removed
    6    2028-01-01  no concerns, 2 people, notes   whole: 2029-01-01 ...
    7    2028-01-01  amends 6: still no concerns    ... past: 6 and 7 removed whole
    8    2027-06-01  no concerns, notes             of concern once amended by 9:
    9    2027-06-01  amends 8: a sign, a leaflet    text (leaflet's 2 years) 2029-06-01: removed
    10   2029-12-01  NRM referral, notes and a ref  kept
    3    2028-06-01  no concerns, 3 people, notes   whole: 2029-06-01, past: removed
    11   2029-12-02  leaflet given (pushed later)   follows 3 in the chain, which is removed

The chain runs in the order of the table (3 last of the first push, 11 after it).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.field.keys import DeviceKey
from fieldkit.model import ENGAGEMENT_FORMAT_2, GENESIS_HASH, Engagement, PeopleGroup, Person
from fieldkit.workspace import FOLDERS, Workspace
from tests.support.central_copy import copy_central, template
from tests.support.people_operation import CAR_WASH, CHURCH, OP, plan_doc

DEVICE = "alpha-dev"
AS_OF = "2030-01-15"
KEY = DeviceKey(Ed25519PrivateKey.from_private_bytes(bytes([5]) * 32))
REFERRAL, NO_CONCERN, LEAFLET = "referral", "no_concern", "leaflet"

#: (number, day, kind, people, amends, signs): the table above, in chain order.
TABLE: tuple[tuple[int, str, str, int, int | None, bool], ...] = (
    (1, "2022-06-01", REFERRAL, 0, None, False),
    (2, "2025-06-01", REFERRAL, 0, None, False),
    (4, "2029-03-01", NO_CONCERN, 1, None, False),
    (5, "2027-01-01", LEAFLET, 0, None, False),
    (6, "2028-01-01", NO_CONCERN, 2, None, False),
    (7, "2028-01-01", NO_CONCERN, 4, 6, False),
    (8, "2027-06-01", NO_CONCERN, 0, None, False),
    (9, "2027-06-01", LEAFLET, 0, 8, True),
    (10, "2029-12-01", REFERRAL, 0, None, False),
    (3, "2028-06-01", NO_CONCERN, 3, None, False),
)
LATER = (11, "2029-12-02", LEAFLET, 0, None, False)
TEXT_REMOVED = (1, 5, 8, 9)
WHOLE_REMOVED = (3, 6, 7)


def record_id(n: int) -> str:
    return f"01900000-0000-7000-8000-{n:012d}"


def engagement(
    n: int, day: str, kind: str, people: int, amends: int | None, signs: bool, order: int
) -> Engagement:
    """One format 2 record of the table (unsealed)."""
    when = f"{day}T19:00:00+01:00"
    persons: tuple[Person, ...] = ()
    outcomes: tuple[str, ...] = ("no_concerns",)
    if kind == REFERRAL:
        persons = (
            Person("female", "under_18", "romanian", signs=("owes_debt",), route="nrm",
                   by="pc-met", ref=f"NRM-REF-{n}"),
        )  # fmt: skip
        outcomes = ("nrm_referral",)
    elif kind == LEAFLET:
        outcomes = ("leaflet_given",)
    group = (PeopleGroup("male", "age_25_34", "romanian", people),) if people else ()
    return Engagement(
        id=record_id(n), device=DEVICE, officer="pc-met", operation=OP, team="alpha",
        hlc=f"{1_900_000_000_000 + order:015d}-00000", recorded_at=when,
        timezone="Europe/London", time=when, venue=CAR_WASH if n % 2 else CHURCH,
        venue_type="car_wash" if n % 2 else "church",
        people=group, outcomes=outcomes, indicators=("long_hours",) if signs else (),
        notes=f"NOTE-{n}-the-manager-was-named", persons=persons,
        amends=record_id(amends) if amends else None, format=ENGAGEMENT_FORMAT_2,
    )  # fmt: skip


def chain(rows: tuple[tuple[int, str, str, int, int | None, bool], ...]) -> list[Engagement]:
    """The rows sealed and chained in order by KEY's device."""
    out, prev = [], GENESIS_HASH
    for order, row in enumerate(rows):
        rec = engagement(*row, order=order).sealed(prev, KEY.sign)
        prev = rec.hash
        out.append(rec)
    return out


@cache
def _records() -> tuple[Engagement, ...]:
    return tuple(chain((*TABLE, LATER)))


def records() -> list[Engagement]:
    """The table's records and, last, record 11 (pushed after retention in some tests): the
    same ones on every call (a text's seal has a random salt)."""
    return list(_records())


def empty_central(path: Path) -> Central:
    """A central store at `path` with DEVICE enrolled for OP and bound to KEY."""

    def bind(central: Central) -> None:
        cid, _ = central.enroll_device("alpha", OP, "pc-met", DEVICE)
        central.bind(central.device_row(cid) or {}, DEVICE, KEY.public_hex)

    return Central(copy_central(template("retention", bind), path))


def push(central: Central, recs: list[Engagement]) -> Any:
    return ingest(central, DEVICE, KEY.public_hex, [r.to_dict() for r in recs])


def make_workspace(root: Path) -> Workspace:
    """ops/peopleop/plan.json and sync/central.db holding the table's records (not 11)."""
    for name in FOLDERS:
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "ops" / OP).mkdir()
    (root / "ops" / OP / "plan.json").write_text(json.dumps(plan_doc()), "utf-8")
    with empty_central(root / "sync" / "central.db") as central:
        result = push(central, records()[:-1])
        assert result.new == len(TABLE) and not result.rejected, result
    return Workspace(root)


def publish_retention(ws: Workspace, section: dict[str, Any]) -> None:
    """A published loadout of OP (made after the records were stored) setting `section`."""
    folder = ws.ops / OP / "loadouts"
    folder.mkdir(parents=True, exist_ok=True)
    loadout = {"operation": {"id": OP}, "team": {"id": "alpha"}, "retention": section}
    (folder / "alpha.json").write_text(json.dumps(loadout), "utf-8")
    from fieldkit.central.plans import publish

    with Central(ws.sync / "central.db") as central:
        publish(central, ws.ops)
