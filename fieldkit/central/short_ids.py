"""The short ids a commander types, found without reading the store: each record's short id
is kept in `record_short_ids`, filled from the records stored since it was last read.

A record's short id is 8 characters, Crockford base32 of a hash of its id (an amendment keeps
its original's). The table is filled on demand, not at ingest, so storing a bundle costs
nothing more; a trigger forgets a removed record's id and lowers the mark, so a record that
takes a removed one's `seq` is read again.
"""

from __future__ import annotations

import hashlib

from fieldkit.central.store import Central

#: Crockford's base32: no I, L, O or U, so an id read aloud or copied by hand stays right.
ID_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: How many records' ids are hashed and written in one go while the table catches up.
BATCH = 20_000


def short_id(record_id: str) -> str:
    """The 8-character id of a record (its original id's, so amendments keep it)."""
    number = int.from_bytes(hashlib.sha256(record_id.encode()).digest()[:5], "big")
    return "".join(ID_CHARS[(number >> shift) & 31] for shift in range(35, -1, -5))


def catch_up(store: Central) -> int:
    """Read the records stored since the mark into the table; how many were read."""
    read = 0
    while True:
        with store.transaction() as conn:
            (mark,) = conn.execute("SELECT seq FROM record_short_ids_mark").fetchone()
            rows = conn.execute(
                "SELECT seq, id FROM records WHERE seq > ? ORDER BY seq LIMIT ?", (mark, BATCH)
            ).fetchall()
            if not rows:
                return read
            conn.executemany(
                "INSERT OR REPLACE INTO record_short_ids (record_id, short) VALUES (?, ?)",
                [(rid, short_id(rid)) for _, rid in rows],
            )
            conn.execute("UPDATE record_short_ids_mark SET seq = ?", (rows[-1][0],))
        read += len(rows)


def operations_of(store: Central, shorts: set[str]) -> set[str]:
    """The operations of the records whose short id is one of `shorts`."""
    if not shorts:
        return set()
    catch_up(store)
    wanted = sorted(shorts)
    rows = store.query(
        "SELECT DISTINCT json_extract(r.body, '$.operation') FROM record_short_ids s"
        " JOIN records r ON r.id = s.record_id"
        f" WHERE s.short IN ({','.join('?' * len(wanted))})",
        wanted,
    )
    return {op for (op,) in rows if isinstance(op, str)}


def near(short: str) -> set[str]:
    """The short ids one slip away from `short`: one character changed, or two swapped."""
    found: set[str] = set()
    for i, char in enumerate(short):
        found.update(short[:i] + c + short[i + 1 :] for c in ID_CHARS if c != char)
        if i + 1 < len(short):
            found.add(short[:i] + short[i + 1] + char + short[i + 2 :])
    found.discard(short)
    return found
