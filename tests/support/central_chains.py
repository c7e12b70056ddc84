"""Signed chains of format-1 records and central stores bound to their device, for the tests
of central's ingest."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fieldkit.at_rest import unlock_path
from fieldkit.central.store import Central
from fieldkit.field.clock import HybridClock
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup

DEVICE = "alpha-0001"


def chain(
    key: DeviceKey,
    n: int,
    device: str = DEVICE,
    start: int = 0,
    team: str = "alpha",
    officer: str = "pc-okafor",
) -> list[dict[str, Any]]:
    """`n` sealed records of one device of `team`, chained from genesis."""
    clock = HybridClock(wall=lambda: 1_695_578_400_000)
    prev, out = GENESIS_HASH, []
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
        ).sealed(prev, key.sign)
        prev = rec.hash
        out.append(rec.to_dict())
    return out


_TEMPLATES: dict[str, Path] = {}


def store(tmp: Path, key: DeviceKey, device: str = DEVICE) -> Central:
    """A central store with `device` enrolled and bound to `key` (copied from a template)."""
    if key.public_hex not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp())
        with Central(folder / "central.db", create=True) as central:
            cred, _ = central.enroll_device("alpha", "barnet", "pc-okafor", device_id=device)
            central.bind(central.device_row(cred) or {}, device, key.public_hex)
            central.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATES[key.public_hex] = folder / "central.db"
    shutil.copyfile(_TEMPLATES[key.public_hex], tmp / "central.db")
    shutil.copyfile(unlock_path(_TEMPLATES[key.public_hex]), unlock_path(tmp / "central.db"))
    return Central(tmp / "central.db")
