"""Central's access log: every read of its data (and every removal) appended to a hash chain.

Each entry's hash covers the previous entry's hash and the entry's canonical JSON, so an entry
edited, removed or moved breaks the chain from there on; `verify` names the first such entry.
A head row beside the log (its count and last hash) catches the newest entries cut off.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from fieldkit.central.schema import create_access_log
from fieldkit.wire.protocol import now_iso

__all__ = ["create_access_log", "record_access", "entries", "verify"]

#: The hash an empty log's first entry follows.
LOG_GENESIS = "0" * 64
#: The fields an entry's hash covers, in the order they are stored.
FIELDS = ("n", "at", "who", "role", "what", "operation", "count", "purpose", "via", "prev_hash")
#: A local command says who ran it by the OS user, under this role.
LOCAL_ROLE = "local"
NO_PURPOSE = "not given"


@dataclass(frozen=True)
class AccessEntry:
    """One look at central's data (or one removal): who, as what, read what, why, how."""

    n: int
    at: str
    who: str
    role: str
    what: str
    operation: str | None
    count: int
    purpose: str
    via: str
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BrokenEntry:
    """Where the log stops proving itself: the entry (by number) and why."""

    n: int
    reason: str


def entry_hash(fields: dict[str, Any]) -> str:
    """sha256 of the previous hash and the entry's canonical JSON (every field but its hash)."""
    body = {k: fields[k] for k in FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{fields['prev_hash']}\n{text}".encode()).hexdigest()


def record_access(
    conn: Any,
    *,
    who: str,
    role: str,
    what: str,
    operation: str | None,
    count: int,
    purpose: str | None,
    via: str,
) -> AccessEntry:
    """Append one entry (in the caller's transaction, or a transaction of its own).

    `what` names what was read ("report", "followups", "partner-share", ...) or done
    ("retention removal"); `count` how many records; `via` "http", or "cli as USER".
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        head = conn.execute("SELECT count, hash FROM access_log_head").fetchone()
        n, prev = (head[0] + 1, head[1]) if head else (1, LOG_GENESIS)
        fields: dict[str, Any] = {
            "n": n,
            "at": now_iso(),
            "who": who,
            "role": role,
            "what": what,
            "operation": operation,
            "count": int(count),
            "purpose": (purpose or "").strip() or NO_PURPOSE,
            "via": via,
            "prev_hash": prev,
        }
        digest = entry_hash(fields)
        conn.execute(
            f"INSERT INTO access_log ({', '.join(FIELDS)}, hash) VALUES "
            f"({', '.join('?' * (len(FIELDS) + 1))})",
            (*(fields[k] for k in FIELDS), digest),
        )
        conn.execute(
            "INSERT INTO access_log_head (one, count, hash) VALUES (1, ?, ?) ON CONFLICT(one)"
            " DO UPDATE SET count = excluded.count, hash = excluded.hash",
            (n, digest),
        )
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return AccessEntry(**fields, hash=digest)


def entries(conn: Any) -> list[AccessEntry]:
    """Every entry, in the order stored."""
    rows = conn.execute(f"SELECT {', '.join(FIELDS)}, hash FROM access_log ORDER BY n")
    return [AccessEntry(*row) for row in rows]


def verify(conn: Any) -> BrokenEntry | None:
    """The first entry that breaks the chain (edited, removed, moved, or cut off the end), or
    None when the whole log proves itself."""
    prev, expected = LOG_GENESIS, 1
    for entry in entries(conn):
        if entry.n != expected:
            missing = f"entry {expected} is missing (the next held is {entry.n})"
            return BrokenEntry(expected, missing)
        if entry.prev_hash != prev:
            return BrokenEntry(entry.n, "it does not follow the entry before it (removed or moved)")
        if entry_hash(entry.to_dict()) != entry.hash:
            return BrokenEntry(entry.n, "its content does not match its hash (edited)")
        prev, expected = entry.hash, expected + 1
    head = conn.execute("SELECT count, hash FROM access_log_head").fetchone()
    held, last = expected - 1, prev
    if head is None and held:
        return BrokenEntry(held, "the log's head is missing")
    if head is not None and (head[0], head[1]) != (held, last):
        if head[0] > held:
            return BrokenEntry(held + 1, f"entries {held + 1} to {head[0]} were cut off the end")
        return BrokenEntry(held, "the log's head does not name its last entry")
    return None
