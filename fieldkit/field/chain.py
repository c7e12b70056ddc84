"""The hash chain: check a device's records link, hash and sign, and say which one is broken."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import fieldkit.field.chain_parallel as chain_parallel
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
#: Opens another connection to the same store (picklable: a worker process calls it).
Opener = Callable[[], Any]


@dataclass
class Checked:
    """One record checked on its own (hash, texts, signature), ready for the chain walk.

    `stored` is the row's id, hash and root columns. `fields` is None when the content is no
    longer a record; `signed` is False when the content does not match its hash (its columns
    are then not compared); `differs` names each indexed column but the root (which only the
    walk can tell) whose stored value is not the one the content gives: (stored, signed).
    Small on purpose: a worker process sends one back for every record.
    """

    seq: int
    stored: tuple[str, str, str]
    breaks: list[Break]
    fields: tuple[str, str | None, str, str, str] | None = None  # id, amends, prev, hash, hlc
    signed: bool = False
    differs: dict[str, tuple[str | None, str | None]] | None = None


def check_row(
    row: Row, public_key: str, verify: Callable[[str, bytes, str], bool] = verify_signature
) -> Checked:
    """A stored row's record against its hash, texts and signature: no other row needed."""
    seq, text = row[0], row[-1]
    stored = dict(zip(INDEXED, row[1:-1], strict=True))
    rid = stored["id"]
    kept = (str(rid), str(stored["hash"]), str(stored["root"]))
    try:
        rec = Engagement.from_json(text)
    except RecordError as exc:
        detail = f"its content is no longer a valid record ({exc})"
        return Checked(seq, kept, [Break(CHANGED, seq, rid, detail)])
    fields = (rec.id, rec.amends, rec.prev_hash, rec.hash, rec.hlc)
    if rec.compute_hash() != rec.hash:
        detail = "its content does not match its hash (edited after it was saved)"
        return Checked(seq, kept, [Break(CHANGED, seq, rid, detail)], fields)
    found = text_breaks(seq, rid, rec)
    if not verify(public_key, bytes.fromhex(rec.hash), rec.signature):
        found.append(Break(BAD_SIGNATURE, seq, rid, "its signature is not this device's"))
    signed = indexed_columns(rec, "")
    differs = {
        name: (stored[name], signed[name])
        for name in INDEXED
        if name != "root" and stored[name] != signed[name]
    }
    return Checked(seq, kept, found, fields, True, differs or None)


def check_rows(rows: list[Row], public_key: str) -> list[Checked]:
    """Each row checked on its own (what a worker process does with a chunk)."""
    return [check_row(row, public_key) for row in rows]


def check_ranges(ranges: list[tuple[int, int]], opener: Opener, public_key: str) -> list[Checked]:
    """The rows whose seq is in each (first, last) range, read from a connection of `opener`
    and checked on their own: a worker process reads its own rows (nothing big is sent it)."""
    conn = opener()
    try:
        checked: list[Checked] = []
        for first, last in ranges:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM engagements WHERE seq BETWEEN ? AND ? ORDER BY seq",
                (first, last),
            )
            checked += check_rows(rows.fetchall(), public_key)
        return checked
    finally:
        conn.close()


def verify_rows(
    rows: Iterable[Row],
    public_key: str,
    hash_positions: dict[str, int],
    verify: Callable[[str, bytes, str], bool] = verify_signature,
) -> ChainReport:
    """Walk the records in chain order; `hash_positions` maps every stored hash to its seq."""
    return walk((check_row(row, public_key, verify) for row in rows), hash_positions)


def walk(checked: Iterable[Checked], hash_positions: dict[str, int]) -> ChainReport:
    """The chain's links, positions and clock over records already checked one by one."""
    report = ChainReport()
    expected_prev, last_seq, last_stamp = GENESIS_HASH, 0, Stamp(0, 0)
    roots: dict[str, str] = {}  # record id -> the id of its first version, from the content
    for one in checked:
        seq, rid = one.seq, one.stored[0]
        report.checked += 1
        add = report.breaks.append
        if one.fields is None:
            report.breaks += one.breaks
            expected_prev, last_seq = one.stored[1], seq
            continue
        report.breaks += _record_breaks(one, roots)
        rec_id, _, prev_hash, rec_hash, hlc = one.fields
        if prev_hash != expected_prev:
            add(_link_break(seq, rid, prev_hash, last_seq, hash_positions))
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
            stamp = Stamp.parse(hlc)
        except ValueError:
            stamp = last_stamp
        if stamp <= last_stamp:
            add(
                Break(
                    OUT_OF_ORDER,
                    seq,
                    rid,
                    f"its clock stamp {hlc} is not after the previous record's",
                )
            )
        last_stamp = max(stamp, last_stamp)
        expected_prev, last_seq = rec_hash, seq
    return report


def _record_breaks(one: Checked, roots: dict[str, str]) -> list[Break]:
    """One checked record's breaks and the indexed columns stored beside it."""
    assert one.fields is not None
    rec_id, amends, *_ = one.fields
    seq, (rid, _, stored_root) = one.seq, one.stored
    # A device amends only its own records, so the first version is an earlier row; when that
    # row is gone (reported as missing) the root cannot be told from the content.
    root = roots.get(amends) if amends else rec_id
    roots[rec_id] = root or stored_root
    if not one.signed:
        return one.breaks
    found = list(one.breaks)
    differs = dict(one.differs or {})
    if stored_root != (root or stored_root):
        differs["root"] = (stored_root, root)
    for name in INDEXED:
        if name in differs:
            stored, value = differs[name]
            detail = (
                f"its {name} column says {stored!r} but its signed record says "
                f"{value!r} (the index was edited)"
            )
            found.append(Break(CHANGED, seq, rid, detail))
    return found


def _checked_in_parallel(
    conn: sqlite3.Connection, public_key: str, workers: int, opener: Opener | None
) -> Iterator[Checked]:
    """Every row checked on `workers` processes, in seq order."""
    if opener is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM engagements ORDER BY seq")
        return chain_parallel.in_order(partial(check_rows, public_key=public_key), rows, workers)
    low, top = conn.execute("SELECT min(seq), max(seq) FROM engagements").fetchone()
    step = chain_parallel.CHUNK
    ranges = [(first, first + step - 1) for first in range(low or 0, (top or 0) + 1, step)]
    work = partial(check_ranges, opener=opener, public_key=public_key)
    return chain_parallel.in_order(work, ranges, workers, size=1)


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


def verify_store(
    conn: sqlite3.Connection, public_key: str, workers: int = 1, opener: Opener | None = None
) -> ChainReport:
    """Check every record of a store, its outbox and its head; the store is only read.

    With `workers` > 1 and a large store each record's hash, texts and signature are checked
    on that many processes while the links are walked here, in order; the report is the same.
    Given `opener` (another connection to the store), each worker reads its own rows.
    """
    # SQL reads keywords and names in any case, so a query's case cannot change what verify
    # finds: the queries are kept out of mutation runs (`pragma: no mutate`).
    positions_sql = "SELECT hash, seq FROM engagements"  # pragma: no mutate
    positions = dict(conn.execute(positions_sql).fetchall())
    if workers > 1 and len(positions) >= chain_parallel.PARALLEL_FROM:
        report = walk(_checked_in_parallel(conn, public_key, workers, opener), positions)
    else:
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
