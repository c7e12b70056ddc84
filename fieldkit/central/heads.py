"""A device's chain head on central (its high-water mark) and conflicting amendments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fieldkit.model import GENESIS_HASH
from fieldkit.wire.protocol import now_iso


def flag_conflicts(conn: Any, device: str, stored: Iterable[tuple[str, str | None]]) -> None:
    """Two amendments of one record from two devices: both kept, the pair flagged.

    `stored` holds (record id, id of the record it amends) of the records just stored.
    """
    # SQL reads keywords and names in any case, so the case of a query cannot change what is
    # found: the queries here are kept out of mutation runs (`pragma: no mutate`).
    for rec_id, target in stored:
        if not target:
            continue
        others = conn.execute(
            "SELECT id, device FROM records WHERE amends = ? AND device != ?",  # pragma: no mutate
            (target, device),
        ).fetchall()
        for other_id, other_device in others:
            a, b = sorted([(rec_id, device), (other_id, other_device)])
            conn.execute(
                "INSERT OR IGNORE INTO conflicts (amends, record_a, device_a, "  # pragma: no mutate
                "record_b, device_b, found_at) VALUES (?,?,?,?,?,?)",  # pragma: no mutate
                (target, a[0], a[1], b[0], b[1], now_iso()),
            )


def advance_head(conn: Any, device: str, links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Move the device's high-water mark along its unbroken chain; returns it.

    `links` (prev_hash -> hash) of the records just stored, forks left out, are followed in
    memory; the store is asked only to step beyond them, and wherever the chain forks (then
    the first by hlc, id wins).
    """
    row = conn.execute(
        "SELECT head_hash, head_count FROM devices WHERE device = ?",  # pragma: no mutate
        (device,),
    ).fetchone()
    head, count = (row[0], int(row[1] or 0)) if row else (None, 0)
    # `links` and `moved` only spare store lookups and a no-op UPDATE: without them the same
    # head is found and kept, so their lines are kept out of mutation runs.
    child = dict(links or {})  # pragma: no mutate
    moved = False  # pragma: no mutate
    while True:
        at = head or GENESIS_HASH
        nxt = child.get(at)  # pragma: no mutate
        if nxt is None:
            # A record removed at retention still links the chain by its trace.
            found = conn.execute(
                "SELECT hash, hlc, id FROM records "  # pragma: no mutate
                "WHERE device = ? AND prev_hash = ? "  # pragma: no mutate
                "UNION ALL SELECT hash, hlc, id FROM removed_records "  # pragma: no mutate
                "WHERE device = ? AND prev_hash = ? ORDER BY 2, 3 LIMIT 1",  # pragma: no mutate
                (device, at, device, at),
            ).fetchone()
            if found is None:
                break
            nxt = found[0]
        head, count, moved = nxt, count + 1, True
    if moved:
        conn.execute(
            "UPDATE devices SET head_hash = ?, head_count = ? "  # pragma: no mutate
            "WHERE device = ?",  # pragma: no mutate
            (head, count, device),
        )
    count_sql = "SELECT count(*) FROM records WHERE device = ?"  # pragma: no mutate
    stored_n = conn.execute(count_sql, (device,)).fetchone()
    return {"hash": head, "count": count, "stored": int(stored_n[0])}
