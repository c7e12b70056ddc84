"""The hash chain: check a device's records link, hash and sign, and say which one is broken."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fieldkit.field.clock import Stamp
from fieldkit.field.store import INDEXED, indexed_columns
from fieldkit.model import GENESIS_HASH, Engagement, RecordError
from fieldkit.wire.keys import verify_signature

CHANGED = "changed"
MISSING = "missing"
OUT_OF_ORDER = "out of order"
BAD_SIGNATURE = "bad signature"


@dataclass(frozen=True)
class Break:
    """One thing wrong with the chain: which record (position and id) and how."""

    kind: str
    seq: int | None
    record_id: str | None
    detail: str

    def __str__(self) -> str:
        where = f"record #{self.seq}" if self.seq is not None else "record"
        if self.record_id:
            where += f" {self.record_id}"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass
class ChainReport:
    """What `verify` found: how many records it checked and every break."""

    checked: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "breaks": [
                {"kind": b.kind, "seq": b.seq, "id": b.record_id, "detail": b.detail}
                for b in self.breaks
            ],
        }


def check_record(rec: Engagement, public_key: str) -> str | None:
    """CHANGED, BAD_SIGNATURE or None: one record on its own (central checks arrivals so)."""
    if rec.compute_hash() != rec.hash:
        return CHANGED
    if not verify_signature(public_key, bytes.fromhex(rec.hash), rec.signature):
        return BAD_SIGNATURE
    if rec.text_faults():
        return CHANGED
    return None


def text_breaks(seq: int, rid: str | None, rec: Engagement) -> list[Break]:
    """Format 2: each sensitive text beside the record that no longer matches its digest."""
    return [
        Break(CHANGED, seq, rid, f"its {path} text does not match the digest it was signed with")
        for path in rec.text_faults()
    ]


#: seq, the indexed columns (store.indexed_columns, in order) and the signed record's JSON.
Row = tuple[int, str, str, str, str, str | None, str, str | None, str, str, str]
_COLUMNS = f"seq, {', '.join(INDEXED)}, record"


def verify_rows(
    rows: Iterable[Row],
    public_key: str,
    hash_positions: dict[str, int],
    verify: Callable[[str, bytes, str], bool] = verify_signature,
) -> ChainReport:
    """Walk the records in chain order; `hash_positions` maps every stored hash to its seq."""
    report = ChainReport()
    expected_prev, last_seq, last_stamp = GENESIS_HASH, 0, Stamp(0, 0)
    roots: dict[str, str] = {}  # record id -> the id of its first version, from the content
    for seq, rid, hlc, time, day, amends, root, visit, prev_col, hash_col, text in rows:
        report.checked += 1
        add = report.breaks.append
        try:
            rec = Engagement.from_json(text)
        except RecordError as exc:
            add(Break(CHANGED, seq, rid, f"its content is no longer a valid record ({exc})"))
            expected_prev, last_seq = hash_col, seq
            continue
        stored = {
            "id": rid,
            "hlc": hlc,
            "time": time,
            "day": day,
            "amends": amends,
            "root": root,
            "visit": visit,
            "prev_hash": prev_col,
            "hash": hash_col,
        }
        report.breaks += _record_breaks(seq, rec, stored, roots, public_key, verify)
        if rec.prev_hash != expected_prev:
            add(_link_break(seq, rid, rec.prev_hash, last_seq, hash_positions))
        elif seq != last_seq + 1 and last_seq:
            add(
                Break(
                    MISSING,
                    seq,
                    rid,
                    f"{seq - last_seq - 1} record(s) before it are gone "
                    f"(positions #{last_seq + 1}..#{seq - 1})",
                )
            )
        try:
            stamp = Stamp.parse(rec.hlc)
        except ValueError:
            stamp = last_stamp
        if stamp <= last_stamp:
            add(
                Break(
                    OUT_OF_ORDER,
                    seq,
                    rid,
                    f"its clock stamp {rec.hlc} is not after the previous record's",
                )
            )
        last_stamp = max(stamp, last_stamp)
        expected_prev, last_seq = rec.hash, seq
    return report


def _record_breaks(
    seq: int,
    rec: Engagement,
    stored: dict[str, str | None],
    roots: dict[str, str],
    public_key: str,
    verify: Callable[[str, bytes, str], bool],
) -> list[Break]:
    """One record against its hash, its signature and the indexed columns stored beside it."""
    rid = stored["id"]
    # A device amends only its own records, so the first version is an earlier row; when that
    # row is gone (reported as missing) the root cannot be told from the content.
    root = roots.get(rec.amends) if rec.amends else rec.id
    roots[rec.id] = root or str(stored["root"])
    if rec.compute_hash() != rec.hash:
        detail = "its content does not match its hash (edited after it was saved)"
        return [Break(CHANGED, seq, rid, detail)]
    found = text_breaks(seq, rid, rec)
    if not verify(public_key, bytes.fromhex(rec.hash), rec.signature):
        found.append(Break(BAD_SIGNATURE, seq, rid, "its signature is not this device's"))
    signed = indexed_columns(rec, root or str(stored["root"]))
    for name, value in signed.items():
        if stored[name] != value:
            detail = (
                f"its {name} column says {stored[name]!r} but its signed record says "
                f"{value!r} (the index was edited)"
            )
            found.append(Break(CHANGED, seq, rid, detail))
    return found


def _link_break(seq: int, rid: str, prev: str, last_seq: int, positions: dict[str, int]) -> Break:
    at = positions.get(prev)
    if at is not None and at > seq:
        return Break(
            OUT_OF_ORDER,
            seq,
            rid,
            f"it is chained after record #{at}, which comes later in the store",
        )
    if at is not None:
        return Break(
            OUT_OF_ORDER, seq, rid, f"it is chained after record #{at}, not after #{last_seq}"
        )
    gap = max(seq - last_seq - 1, 1)
    return Break(
        MISSING,
        seq,
        rid,
        f"{gap} record(s) before it are gone: it is chained after "
        f"hash {prev[:12]}..., which is not in the store",
    )


def verify_store(conn: sqlite3.Connection, public_key: str) -> ChainReport:
    """Check every record of a store, its outbox and its head; the store is only read."""
    # SQL reads keywords and names in any case, so a query's case cannot change what verify
    # finds: the queries are kept out of mutation runs (`pragma: no mutate`).
    positions_sql = "SELECT hash, seq FROM engagements"  # pragma: no mutate
    positions = dict(conn.execute(positions_sql).fetchall())
    rows = conn.execute(f"SELECT {_COLUMNS} FROM engagements ORDER BY seq")
    report = verify_rows(rows, public_key, positions)
    orphans = conn.execute(
        "SELECT o.id FROM outbox o LEFT JOIN engagements e ON e.id = o.id "  # pragma: no mutate
        "WHERE e.id IS NULL ORDER BY o.id"  # pragma: no mutate
    ).fetchall()
    for (rid,) in orphans:
        report.breaks.append(
            Break(
                MISSING,
                None,
                rid,
                "the record was deleted from the store (its sync state is still there)",
            )
        )
    head_sql = "SELECT value FROM meta WHERE key = 'head'"  # pragma: no mutate
    last_sql = "SELECT seq, hash FROM engagements ORDER BY seq DESC LIMIT 1"  # pragma: no mutate
    head, last = conn.execute(head_sql).fetchone(), conn.execute(last_sql).fetchone()
    if head is not None:
        head_seq, _, head_hash = str(head[0]).partition(":")
        top = int(head_seq) if head_seq.isdigit() else 0
        if last is None or last[0] < top:
            after = f"after #{last[0]} " if last else ""
            detail = (
                f"the newest record(s) {after}are gone: the store's head is record #{top} "
                f"with hash {head_hash[:12]}..., which is not in the store"
            )
            report.breaks.append(Break(MISSING, top, None, detail))
        elif last[1] != head_hash and not any(b.seq == last[0] for b in report.breaks):
            detail = "it is not the record that was saved last (the store's head differs)"
            report.breaks.append(Break(CHANGED, last[0], None, detail))
    unlisted = conn.execute(
        "SELECT e.seq, e.id FROM engagements e "  # pragma: no mutate
        "LEFT JOIN outbox o ON o.id = e.id "  # pragma: no mutate
        "WHERE o.id IS NULL ORDER BY e.seq"  # pragma: no mutate
    ).fetchall()
    for seq, rid in unlisted:
        report.breaks.append(Break(CHANGED, seq, rid, "its sync state was removed"))
    report.breaks.sort(key=lambda b: (b.seq is None, b.seq or 0))
    return report
