"""A central store holding people referred (format 2) beside format 1 records, with Barnet's
loadouts published, for the follow-up tests of the command, the app and the planner.

Team alpha's device logs, in order (Barnet week, Europe/London):
- Tue 26 Sep 19:30, popup-cricklewood: three persons: a woman referred to the NRM with her
  consent by pc-hughes (met_police), a woman not referred, a girl under 18 referred to the NRM
  by pc-okafor (met_police);
- Wed 27 Sep 10:00, carwash-edgware-road: a man who did not consent, notified under the Duty to
  Notify; the outcome follow_up_needed (an engagement-level follow-up, still open);
- Thu 28 Sep 11:00, shelter-finchley (format 1): follow_up_needed; closed by the visit below;
- Fri 29 Sep 11:00, shelter-finchley (format 1): leaflet given;
- Fri 29 Sep 14:00, nails-burnt-oak: a woman referred for partner support by anitp-ionescu.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.central.followups import person_id, short_id
from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central, central_path
from fieldkit.field.clock import HybridClock
from fieldkit.field.keys import DeviceKey
from fieldkit.model import (
    ENGAGEMENT_FORMAT,
    ENGAGEMENT_FORMAT_2,
    GENESIS_HASH,
    Engagement,
    PeopleGroup,
    Person,
)
from fieldkit.workspace import Workspace
from tests.support.sync import central_workspace

OP = "barnet-2023"
DEVICE = "alpha-dev"
#: Days open are counted to this moment in the tests.
NOW = "2023-10-02T09:00:00+01:00"
NOW_ENV = {"FIELDKIT_NOW": NOW}
SECRET_REF = "NRM-SECRET-REF-0042"
SECRET_NOTE = "Her name is written here"


def _rid(n: int) -> str:
    return f"01900000-0000-7000-8000-{n:012d}"


#: Each record's original id, by what it holds.
BROTHEL, CARWASH, SHELTER_ASKED, SHELTER_AGAIN, NAILS = (_rid(n) for n in range(1, 6))

#: The ids `fieldkit followups` lists, by who they are.
WOMAN_NRM = person_id(BROTHEL, 1)
WOMAN_NOT_REFERRED = person_id(BROTHEL, 2)
GIRL_NRM = person_id(BROTHEL, 3)
MAN_NOTIFIED = person_id(CARWASH, 1)
WOMAN_PARTNER = person_id(NAILS, 1)
CARWASH_VISIT = short_id(CARWASH)
SHELTER_VISIT = short_id(SHELTER_ASKED)


def device_key() -> DeviceKey:
    return DeviceKey(Ed25519PrivateKey.from_private_bytes(bytes([42]) * 32))


def _records() -> list[dict[str, Any]]:
    clock = HybridClock(wall=lambda: 1_695_757_800_000)
    key, prev, out = device_key(), GENESIS_HASH, []
    for rid, when, venue, venue_type, fields in _contents():
        rec = Engagement(
            id=rid,
            device=DEVICE,
            officer="pc-hughes",
            operation=OP,
            team="alpha",
            hlc=str(clock.now()),
            recorded_at=when,
            timezone="Europe/London",
            time=when,
            venue=venue,
            venue_type=venue_type,
            partners=("anitp", "met_police"),
            **fields,
        ).sealed(prev, key.sign)
        prev = rec.hash
        out.append(rec.to_dict())
    return out


def _contents() -> list[tuple[str, str, str, str, dict[str, Any]]]:
    two = ENGAGEMENT_FORMAT_2
    woman = Person(
        "female",
        "age_18_24",
        "romanian",
        signs=("controlling_boyfriend",),
        consent="yes",
        route="nrm",
        by="pc-hughes",
        ref=SECRET_REF,
    )
    other = Person("female", "age_25_34", "romanian")
    girl = Person(
        "female", "under_18", "romanian", signs=("under_control",), route="nrm", by="pc-okafor"
    )
    man = Person(
        "male",
        "age_35_49",
        "romanian",
        signs=("owes_debt",),
        consent="no",
        route="duty_to_notify",
        by="pc-hughes",
    )
    nails = Person(
        "female",
        "age_25_34",
        "romanian",
        signs=("little_or_no_money",),
        consent="yes",
        route="partner_support",
        by="anitp-ionescu",
    )
    crowd = (PeopleGroup("male", "age_25_34", "romanian", 3),)
    return [
        (BROTHEL, "2023-09-26T19:30:00+01:00", "popup-cricklewood", "brothel",
         {"format": two, "persons": (woman, other, girl), "notes": SECRET_NOTE,
          "indicators": ("controlling_boyfriend", "under_control"),
          "outcomes": ("nrm_referral",)}),
        (CARWASH, "2023-09-27T10:00:00+01:00", "carwash-edgware-road", "car_wash",
         {"format": two, "persons": (man,), "people": crowd, "indicators": ("owes_debt",),
          "outcomes": ("duty_to_notify", "follow_up_needed")}),
        (SHELTER_ASKED, "2023-09-28T11:00:00+01:00", "shelter-finchley", "homeless_shelter",
         {"format": ENGAGEMENT_FORMAT, "people": crowd, "outcomes": ("follow_up_needed",)}),
        (SHELTER_AGAIN, "2023-09-29T11:00:00+01:00", "shelter-finchley", "homeless_shelter",
         {"format": ENGAGEMENT_FORMAT, "people": crowd, "outcomes": ("leaflet_given",)}),
        (NAILS, "2023-09-29T14:00:00+01:00", "nails-burnt-oak", "nail_bar",
         {"format": two, "persons": (nails,), "indicators": ("little_or_no_money",),
          "outcomes": ("referred_to_partner",)}),
    ]  # fmt: skip


def referrals_workspace(tmp: Path) -> Workspace:
    """A central workspace (Barnet's loadouts published) holding the records above."""
    ws = central_workspace(tmp)
    key = device_key()
    with Central(central_path(ws.sync)) as store:
        cred, _ = store.enroll_device("alpha", OP, "pc-hughes", device_id=DEVICE)
        store.bind(store.device_row(cred) or {}, DEVICE, key.public_hex)
        result = ingest(store, DEVICE, key.public_hex, _records())
        assert result.new == 5 and result.rejected == [], result
    return ws


def moment(text: str = NOW) -> datetime:
    return datetime.fromisoformat(text)
