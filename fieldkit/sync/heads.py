"""A device's chain head on central (its high-water mark) and conflicting amendments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fieldkit.model import GENESIS_HASH
from fieldkit.sync.central import now_iso


def flag_conflicts(conn: Any, device: str, stored: Iterable[tuple[str, str | None]]) -> None:
    """Two amendments of one record from two devices: both kept, the pair flagged.

    `stored` holds (record id, id of the record it amends) of the records just stored.
    """
    for rec_id, target in stored:
        if not target:
            continue
        others = conn.execute(
            "SELECT id, device FROM records WHERE amends = ? AND device != ?", (target, device)
        ).fetchall()
        for other_id, other_device in others:
            a, b = sorted([(rec_id, device), (other_id, other_device)])
            conn.execute(
                "INSERT OR IGNORE INTO conflicts (amends, record_a, device_a, record_b, "
                "device_b, found_at) VALUES (?,?,?,?,?,?)",
                (target, a[0], a[1], b[0], b[1], now_iso()),
            )


def advance_head(conn: Any, device: str, links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Move the device's high-water mark along its unbroken chain; returns it.

    `links` (prev_hash -> hash) of the records just stored, forks left out, are followed in
    memory; the store is asked only to step beyond them, and wherever the chain forks (then
    the first by hlc, id wins).
    """
    row = conn.execute(
        "SELECT head_hash, head_count FROM devices WHERE device = ?", (device,)
    ).fetchone()
    head, count = (row[0], int(row[1] or 0)) if row else (None, 0)
    child = dict(links or {})
    moved = False
    while True:
        at = head or GENESIS_HASH
        nxt = child.get(at)
        if nxt is None:
            found = conn.execute(
                "SELECT hash FROM records WHERE device = ? AND prev_hash = ? "
                "ORDER BY hlc, id LIMIT 1",
                (device, at),
            ).fetchone()
            if found is None:
                break
            nxt = found[0]
        head, count, moved = nxt, count + 1, True
    if moved:
        conn.execute(
            "UPDATE devices SET head_hash = ?, head_count = ? WHERE device = ?",
            (head, count, device),
        )
    stored_n = conn.execute("SELECT count(*) FROM records WHERE device = ?", (device,)).fetchone()
    return {"hash": head, "count": count, "stored": int(stored_n[0])}
