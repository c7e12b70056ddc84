"""The short ids a commander types, found without reading the store: each record's short id
is kept in `record_short_ids`, filled from the records stored since it was last read.

A record's short id is 8 characters, Crockford base32 of a hash of its id (an amendment keeps
its original's). The table is filled on demand, not at ingest, so storing a bundle costs
nothing more. The table holds numbers (the short id's 40 bits, the record's seq); a removed
record's row stays (its seq finds no record, or one whose id does not match) and a trigger
lowers the mark, so a record that takes a removed one's `seq` is read.
"""

from __future__ import annotations

import hashlib

from fieldkit.central.store import Central

#: Crockford's base32: no I, L, O or U, so an id read aloud or copied by hand stays right.
ID_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Past this many records to read, they are read from the index on `records.id` (which holds
#: each record's seq and id) rather than from the records themselves, bodies and all.
FROM_THE_ID_INDEX = 10_000


def short_number(record_id: str) -> int:
    """The 40 bits of a record's short id, as a number (the table keeps numbers)."""
    return int.from_bytes(hashlib.sha256(record_id.encode()).digest()[:5], "big")


def short_id(record_id: str) -> str:
    """The 8-character id of a record (its original id's, so amendments keep it)."""
    number = short_number(record_id)
    return "".join(ID_CHARS[(number >> shift) & 31] for shift in range(35, -1, -5))


def number_of(short: str) -> int | None:
    """The number an 8-character short id writes, or None when it cannot be one."""
    if len(short) != 8 or any(c not in ID_CHARS for c in short):
        return None
    shifts = range(35, -1, -5)
    return sum(ID_CHARS.index(c) << shift for c, shift in zip(short, shifts, strict=True))


def waiting(store: Central) -> int:
    """How many records were stored since the table was last filled (what `catch_up` reads)."""
    (mark,) = store.query("SELECT seq FROM record_short_ids_mark")[0]
    (top,) = store.query("SELECT coalesce(max(seq), 0) FROM records")[0]
    return max(0, int(top) - int(mark))


def catch_up(store: Central) -> int:
    """Read the records stored since the mark into the table, in one transaction, sorted by
    short id (a store's first catch-up appends to an empty b-tree); how many were read."""
    with store.transaction() as conn:
        (mark,) = conn.execute("SELECT seq FROM record_short_ids_mark").fetchone()
        (top,) = conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()
        if top <= mark:
            return 0
        many = top - mark > FROM_THE_ID_INDEX
        source = "records INDEXED BY idx_records_id" if many else "records"
        ids = conn.execute(f"SELECT id, seq FROM {source} WHERE seq > ?", (mark,))
        rows = sorted((short_number(rid), seq) for rid, seq in ids)
        conn.executemany("INSERT OR IGNORE INTO record_short_ids (short, seq) VALUES (?, ?)", rows)
        conn.execute("UPDATE record_short_ids_mark SET seq = ?", (top,))
    return len(rows)


def operations_of(store: Central, shorts: set[str]) -> set[str]:
    """The operations of the records whose short id is one of `shorts`."""
    wanted = sorted({n for n in map(number_of, shorts) if n is not None})
    if not wanted:
        return set()
    catch_up(store)
    rows = store.query(
        "SELECT DISTINCT r.id, json_extract(r.body, '$.operation') FROM record_short_ids s"
        " JOIN records r ON r.seq = s.seq"
        f" WHERE s.short IN ({','.join('?' * len(wanted))})",
        wanted,
    )
    # A removed record's row may point at the record given its seq since: its id says so.
    return {op for rid, op in rows if isinstance(op, str) and short_number(rid) in wanted}


def near(short: str) -> set[str]:
    """The short ids one slip away from `short`: one character changed, or two swapped."""
    found: set[str] = set()
    for i, char in enumerate(short):
        found.update(short[:i] + c + short[i + 1 :] for c in ID_CHARS if c != char)
        if i + 1 < len(short):
            found.add(short[:i] + short[i + 1] + char + short[i + 2 :])
    found.discard(short)
    return found
