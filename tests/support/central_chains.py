"""Signed chains of format-1 records and central stores bound to their device, for the tests
of central's ingest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldkit.central.store import Central
from fieldkit.field.clock import HybridClock
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup
from tests.support.central_copy import copy_central, template

DEVICE = "alpha-0001"


def chain(
    key: DeviceKey,
    n: int,
    device: str = DEVICE,
    start: int = 0,
    team: str = "alpha",
    officer: str = "pc-okafor",
    prev: str = GENESIS_HASH,
    notes: str | None = None,
) -> list[dict[str, Any]]:
    """`n` sealed records of one device of `team`, with ids numbered from `start`, chained
    after `prev` (genesis by default)."""
    clock = HybridClock(wall=lambda: 1_695_578_400_000)
    out = []
    for i in range(n):
        rec = Engagement(
            id=f"0190a000-0000-7000-8000-{start + i:012d}",
            device=device,
            officer=officer,
            operation="barnet",
            team=team,
            hlc=str(clock.now()),
            recorded_at="2023-09-26T19:00:00+01:00",
            timezone="Europe/London",
            time="2023-09-26T19:00:00+01:00",
            venue_type="brothel",
            people=(PeopleGroup("female", "age_25_34", "romanian", i + 1),),
            notes=notes,
        ).sealed(prev, key.sign)
        prev = rec.hash
        out.append(rec.to_dict())
    return out


def store(tmp: Path, key: DeviceKey, device: str = DEVICE) -> Central:
    """A central store with `device` enrolled and bound to `key` (copied from a template)."""

    def bind(central: Central) -> None:
        cred, _ = central.enroll_device("alpha", "barnet", "pc-okafor", device_id=device)
        central.bind(central.device_row(cred) or {}, device, key.public_hex)

    made = template(f"chains {device} {key.public_hex}", bind)
    return Central(copy_central(made, tmp / "central.db"))
