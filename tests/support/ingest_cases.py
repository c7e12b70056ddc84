"""Records, a central store and outcomes for the table of ingest rules (test_guards_ingest)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement
from tests.support import central_chains
from tests.support.central_copy import copy_central, template

ALPHA, BRAVO = "alpha-0001", "bravo-0001"
KEY, BRAVO_KEY, THIEF = DeviceKey.generate(), DeviceKey.generate(), DeviceKey.generate()
KEYS = {ALPHA: KEY, BRAVO: BRAVO_KEY}
#: Each device's team and officer, as its credential names them.
CREDENTIALS = {ALPHA: ("alpha", "pc-okafor"), BRAVO: ("bravo", "dc-patel")}


def rid(n: int) -> str:
    return f"0190a000-0000-7000-8000-{n:012d}"


def chain(
    n: int, start: int = 0, key: DeviceKey = KEY, device: str = ALPHA, prev: str = GENESIS_HASH
) -> list[dict[str, Any]]:
    """`n` sealed records of one device with ids rid(start)..., chained after `prev`."""
    team, officer = CREDENTIALS[device]
    # A problem keeps the record's text as written, not escaped.
    return central_chains.chain(key, n, device, start, team, officer, prev, notes="Bună ziua")


def resealed(data: dict[str, Any], key: DeviceKey = KEY, **changes: Any) -> dict[str, Any]:
    rec = Engagement.from_dict(data)
    return replace(rec, **changes).sealed(rec.prev_hash, key.sign).to_dict()


A = chain(4)  # the device's chain
F = chain(2, start=100)  # a second chain from genesis: a restored backup
X = chain(1, start=200, prev=A[0]["hash"])  # another record after A[0]: a fork there
G = chain(1, start=50)  # a third chain from genesis
LONG = chain(1201, start=1000)  # longer than one query chunk (500)
FORK = "the device's chain forks (a restored backup, or a copied key)"


def fresh(tmp: Path) -> Central:
    """A central store with both devices enrolled and bound to their keys."""

    def bind(central: Central) -> None:
        for device, (team, officer) in CREDENTIALS.items():
            cred, _ = central.enroll_device(team, "barnet", officer, device_id=device)
            central.bind(central.device_row(cred) or {}, device, KEYS[device].public_hex)

    return Central(copy_central(template("ingest cases", bind), tmp / "central.db"))


@dataclass
class Outcome:
    """What the last ingest answered and what central holds afterwards."""

    acknowledged: list[str]
    new: int
    duplicates: int
    rejected: list[dict[str, Any]] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=dict)
    #: (device, kind, record id, missing hash, key, detail, the record's text, still open)
    problems: list[tuple[Any, ...]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)


Batch = tuple[str, list[dict[str, Any]]]


def run(tmp: Path, batches: list[Batch]) -> Outcome:
    with fresh(tmp) as central:
        for device, records in batches:
            result = ingest(central, device, KEYS[device].public_hex, [dict(r) for r in records])
        problems = central.query(
            "SELECT device, kind, record_id, missing, key, detail, record, "
            "resolved_at IS NULL FROM problems ORDER BY n"
        )
        stored = [r[0] for r in central.query("SELECT id FROM records ORDER BY id")]
    return Outcome(
        result.acknowledged,
        result.new,
        result.duplicates,
        result.rejected,
        result.head,
        [(*p[:6], kept(p[6]), bool(p[7])) for p in problems],
        stored,
    )


def kept(record_text: str | None) -> dict[str, Any] | None:
    """A problem's copy of the record, which keeps text as written (not \\u-escaped)."""
    if record_text is None:
        return None
    assert "\\u" not in record_text
    return dict(json.loads(record_text))


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


def head(last: dict[str, Any] | None, count: int, stored: int) -> dict[str, Any]:
    return {"hash": last["hash"] if last else None, "count": count, "stored": stored}


def refused(data: dict[str, Any], kind: str, detail: str) -> dict[str, Any]:
    return {"id": data["id"], "kind": kind, "detail": detail}


def problem(
    kind: str,
    data: dict[str, Any],
    detail: str,
    record: dict[str, Any],
) -> tuple[Any, ...]:
    """A refused record's problem: keyed by its id and hash, its text kept."""
    key = f"{record['id']}:{record['hash']}"
    return (ALPHA, kind, data["id"], None, key, detail, record, True)


def gap(data: dict[str, Any], device: str = ALPHA, still_open: bool = True) -> tuple[Any, ...]:
    prev = data["prev_hash"]
    detail = (
        f"record {data['id']} follows hash {prev[:12]}..., which central has not received (yet)"
    )
    return (device, "gap", data["id"], prev, f"{device}:{prev}", detail, None, still_open)


def fork(prev: str, *forked: dict[str, Any]) -> tuple[Any, ...]:
    named = sorted(ids(list(forked)))
    detail = f"records {', '.join(named)} all follow hash {prev[:12]}...: {FORK}"
    return (ALPHA, "fork", named[-1], None, f"{ALPHA}:{prev}:{named[-1]}", detail, None, True)
