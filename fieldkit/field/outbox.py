"""Sync state per record (pending, sent, acknowledged); acknowledging never removes a record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from fieldkit.field.store import DeviceStore, StoreError
from fieldkit.model import Engagement

PENDING, SENT, ACKNOWLEDGED = "pending", "sent", "acknowledged"
STATES = (PENDING, SENT, ACKNOWLEDGED)
#: The states a record may move to each state from: a sent record may go back to pending
#: (the push failed); acknowledged is final.
_FROM = {SENT: (PENDING, SENT), ACKNOWLEDGED: (PENDING, SENT), PENDING: (SENT,)}


def counts(store: DeviceStore) -> dict[str, int]:
    """How many records are in each sync state (every state present, zero if none)."""
    with store.guard("read the sync state"):
        rows = store.conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    found = dict.fromkeys(STATES, 0)
    found.update({state: int(n) for state, n in rows})
    return found


def pending_count(store: DeviceStore) -> int:
    """Records not yet acknowledged by central (pending or sent): the screen's counter."""
    with store.guard("read the sync state"):
        row = store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'acknowledged'")
        return int(row.fetchone()[0])


def to_send(store: DeviceStore, limit: int | None = None) -> list[Engagement]:
    """Records central has not acknowledged, in chain order (what the next push carries)."""
    sql = (
        "SELECT e.record FROM engagements e JOIN outbox o ON o.id = e.id "
        "WHERE o.state != 'acknowledged' ORDER BY e.seq"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with store.guard("read the outbox"):
        rows = store.conn.execute(sql).fetchall()
    return [Engagement.from_json(r[0]) for r in rows]


def mark(store: DeviceStore, ids: Iterable[str], state: str) -> int:
    """Move records to `state`; returns how many changed. Acknowledged ones stay acknowledged."""
    if state not in STATES:
        raise StoreError(f"unknown sync state {state!r}; one of {', '.join(STATES)}")
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    olds = ",".join(f"'{s}'" for s in _FROM[state]) or "''"
    changed = 0
    with store.guard(f"mark records {state}"):
        store.conn.execute("BEGIN IMMEDIATE")
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                extra = ", attempts = attempts + 1" if state == SENT else ""
                cur = store.conn.execute(
                    f"UPDATE outbox SET state = ?, changed_at = ?{extra} "
                    f"WHERE id IN ({marks}) AND state IN ({olds})",
                    [state, now, *chunk],
                )
                changed += cur.rowcount
            store.conn.execute("COMMIT")
        except BaseException:
            if store.conn.in_transaction:
                store.conn.execute("ROLLBACK")
            raise
    return changed
