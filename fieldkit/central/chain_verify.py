"""Every chain central holds, checked again: each record's hash, signature and texts, each
link to a record held or to the trace of one removed at retention, each device's head.

The records are read a range of `seq` at a time (never the whole table), each range on its
own: in this process (retention, inside its transaction) or spread over worker processes
that open central.db themselves (`fieldkit central verify`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.central.store import Central
from fieldkit.central.unlock import open_central_db
from fieldkit.model import ENGAGEMENT_FORMAT_2, GENESIS_HASH, TEXTS_FIELD, Engagement, RecordError
from fieldkit.wire.keys import verify_signature

#: Records one range holds: large enough that a worker's round trip costs little.
CHUNK = 5000

#: A fault: (device, position for the order, what).
Fault = tuple[str, int, str]


@dataclass
class ChainVerification:
    """What the check found: devices, records, traces and receipts checked, and every fault."""

    devices: int = 0
    records: int = 0
    removed: int = 0
    receipts: int = 0
    faults: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "devices": self.devices,
            "records": self.records,
            "removed": self.removed,
            "receipts": self.receipts,
            "faults": list(self.faults),
        }


@dataclass
class Part:
    """What one range found: records and traces checked, and its faults."""

    records: int = 0
    removed: int = 0
    faults: list[Fault] = field(default_factory=list)


def verify_chains(central: Central, workers: int = 1) -> ChainVerification:
    """Check every bound device's records, traces and head; the store is only read.

    With `workers` > 1 the ranges are checked by that many processes, each opening the store
    at `central.path` itself (so only what is committed is seen)."""
    keys = dict(central.query("SELECT device, public_key FROM devices WHERE device IS NOT NULL"))
    found = ChainVerification(devices=len(keys))
    ranges = list(_ranges(central.conn))
    if workers > 1 and len(ranges) > 1:
        parts: Iterator[Part] = _in_workers(central.path, keys, ranges, workers)
    else:
        parts = (_check_range(central.conn, keys, *r) for r in ranges)
    faults: list[Fault] = []
    for part in parts:
        found.records += part.records
        found.removed += part.removed
        faults += part.faults
    faults += _head_faults(central.conn, keys)
    found.faults = [f"{device}: {what}" for device, _, what in sorted(faults)]
    return found


def _ranges(conn: Any) -> Iterator[tuple[str, int, int]]:
    """(table, first seq, last seq) covering every record, then every trace (by rowid)."""
    for table, key in (("records", "seq"), ("removed_records", "rowid")):
        low, high = conn.execute(f"SELECT min({key}), max({key}) FROM {table}").fetchone()
        if low is None:
            continue
        for start in range(int(low), int(high) + 1, CHUNK):
            yield table, start, start + CHUNK - 1


def _in_workers(
    path: Path, keys: dict[str, str], ranges: list[tuple[str, int, int]], workers: int
) -> Iterator[Part]:
    start = (str(path), keys)
    with ProcessPoolExecutor(workers, initializer=_open_worker, initargs=start) as pool:
        yield from pool.map(_worker_range, ranges)


#: A worker's own connection to central.db and the devices' keys, set as it starts.
_WORKER: dict[str, Any] = {}


def _open_worker(path: str, keys: dict[str, str]) -> None:
    """A worker's own connection to central.db (unlocked the way central is), read only."""
    conn, _ = open_central_db(Path(path))
    conn.execute("PRAGMA query_only=ON")
    _WORKER.update(conn=conn, keys=keys)


def _worker_range(task: tuple[str, int, int]) -> Part:
    return _check_range(_WORKER["conn"], _WORKER["keys"], *task)


def _check_range(conn: Any, keys: dict[str, str], table: str, low: int, high: int) -> Part:
    if table == "removed_records":
        return _check_traces(conn, keys, low, high)
    return _check_records(conn, keys, low, high)


def _check_records(conn: Any, keys: dict[str, str], low: int, high: int) -> Part:
    """Records `low`..`high` (by seq): hash, signature, texts, and the link to the one before."""
    part = Part()
    rows = conn.execute(
        "SELECT seq, id, device, prev_hash, hash, signature, body, hlc, amends FROM records"
        " WHERE seq BETWEEN ? AND ? ORDER BY seq",
        (low, high),
    ).fetchall()
    texts = _texts(conn, low, high)
    held = _held(conn, {(r[2], r[3]) for r in rows if r[3] != GENESIS_HASH})
    for seq, rid, device, prev, digest, signature, body, hlc, amends in rows:
        public_key = keys.get(device)
        if public_key is None:
            continue
        part.records += 1
        columns = {"id": rid, "hlc": hlc, "prev_hash": prev, "amends": amends}
        fault = _record_fault(body, digest, signature, public_key, texts.get(rid, {}), columns)
        if fault is None and prev != GENESIS_HASH and (device, prev) not in held:
            fault = f"it follows hash {prev[:12]}..., which central does not hold"
        if fault is not None:
            part.faults.append((device, seq, f"record {rid}: {fault}"))
    return part


def _check_traces(conn: Any, keys: dict[str, str], low: int, high: int) -> Part:
    """The traces of records removed at retention: each still signed by its device."""
    part = Part()
    rows = conn.execute(
        "SELECT rowid, id, device, hash, signature FROM removed_records"
        " WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
        (low, high),
    )
    for n, rid, device, digest, signature in rows:
        public_key = keys.get(device)
        if public_key is None:
            continue
        part.removed += 1
        if not _signed(public_key, digest, signature):
            what = f"removed record {rid}: its trace's signature is not this device's"
            part.faults.append((device, -n, what))
    return part


def _held(conn: Any, links: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (device, hash) pairs among `links` that central holds as a record or a trace."""
    found: set[tuple[str, str]] = set()
    by_device: dict[str, list[str]] = {}
    for device, digest in sorted(links):
        by_device.setdefault(device, []).append(digest)
    for device, hashes in by_device.items():
        for start in range(0, len(hashes), 500):
            part = hashes[start : start + 500]
            marks = ",".join("?" * len(part))
            for table in ("records", "removed_records"):
                sql = f"SELECT device, hash FROM {table} WHERE device = ? AND hash IN ({marks})"
                found.update(conn.execute(sql, [device, *part]))
    return found


def _head_faults(conn: Any, keys: dict[str, str]) -> list[Fault]:
    """A device whose newest acknowledged record is gone without a trace."""
    rows = conn.execute(
        "SELECT d.device, d.head_hash, d.head_count FROM devices d WHERE d.head_hash IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM records r WHERE r.hash = d.head_hash"
        " AND r.device = d.device) AND NOT EXISTS (SELECT 1 FROM removed_records t"
        " WHERE t.hash = d.head_hash AND t.device = d.device)"
    )
    return [
        (
            device,
            2**62,
            f"its newest record (#{count}, hash {head[:12]}...) is gone without a trace",
        )
        for device, head, count in rows
        if device in keys
    ]


def _signed(public_key: str, digest: str, signature: str) -> bool:
    try:
        message = bytes.fromhex(digest)
    except ValueError:
        return False
    return verify_signature(public_key, message, signature)


def _record_fault(
    body: str,
    digest: str,
    signature: str,
    public_key: str,
    texts: dict[str, Any],
    columns: dict[str, str | None],
) -> str | None:
    """The first thing wrong with one stored record, or None."""
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != digest:
        return "its content does not match its hash"
    if not _signed(public_key, digest, signature):
        return "its signature is not its device's"
    try:
        data = json.loads(body)
    except ValueError:
        return "its content is not a record"
    if not isinstance(data, dict):
        return "its content is not a record"
    for name, value in columns.items():
        if data.get(name) != value:
            return f"its {name} column does not match its signed record (the index was edited)"
    if data.get("format") != ENGAGEMENT_FORMAT_2:
        return None
    try:
        rec = Engagement.from_dict({**data, TEXTS_FIELD: texts})
    except RecordError as exc:
        return f"it cannot be read with its texts ({exc})"
    faults = rec.text_faults()
    return f"its {faults[0]} text does not match its digest" if faults else None


def _texts(conn: Any, low: int, high: int) -> dict[str, dict[str, dict[str, str]]]:
    """The texts beside the records `low`..`high`, by record id then digest."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for rid, digest, salt, text in conn.execute(
        "SELECT t.record_id, t.digest, t.salt, t.text FROM record_texts t"
        " JOIN records r ON r.id = t.record_id WHERE r.seq BETWEEN ? AND ?",
        (low, high),
    ):
        found.setdefault(rid, {})[digest] = {"salt": salt, "text": text}
    return found
