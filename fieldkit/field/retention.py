"""Retention on the device: the sensitive text of a record is dropped the loadout's number of
days after central acknowledged it; the signed records, and so `log verify`, stay whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fieldkit.codes.retention import DEVICE_TEXT_DAYS, device_days
from fieldkit.errors import UserError
from fieldkit.field.loadout import Loadout
from fieldkit.field.store import DeviceStore
from fieldkit.model import ENGAGEMENT_FORMAT_2, Engagement


@dataclass
class DeviceRetention:
    """What retention dropped on a device (or, with `applied` False, would drop)."""

    days: int
    #: records acknowledged at or before this moment (UTC) lose their texts.
    acknowledged_by: str
    applied: bool
    #: record id -> the number of its texts dropped.
    records: dict[str, int] = field(default_factory=dict)

    @property
    def texts(self) -> int:
        return sum(self.records.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "acknowledged_by": self.acknowledged_by,
            "applied": self.applied,
            "texts_removed": self.texts,
            "records": sorted(self.records),
        }


def loadout_days(loadout: Loadout) -> int:
    """The loadout's `retention.device_text_days`, else DEVICE_TEXT_DAYS."""
    section = loadout.data.get("retention")
    value = section.get("device_text_days") if isinstance(section, dict) else None
    if value is None:
        return DEVICE_TEXT_DAYS
    try:
        return device_days(value)
    except ValueError as exc:
        raise UserError(f"the loadout's retention.device_text_days: {exc}") from None


def drop_texts(store: DeviceStore, days: int, now: datetime, apply: bool = True) -> DeviceRetention:
    """Drop (or, without `apply`, list) the texts of the format 2 records central acknowledged
    `days` or more days before `now`, in one transaction (the deleted text is overwritten)."""
    by = (now.astimezone(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    done = DeviceRetention(days, by, apply)
    with store.guard("drop the sensitive texts central holds"):
        rows = store.conn.execute(
            "SELECT e.id, e.record FROM engagements e JOIN outbox o ON o.id = e.id "
            "WHERE o.state = 'acknowledged' AND o.changed_at <= ? "
            "AND json_extract(e.record, '$.format') = ? "
            "AND json_extract(e.record, '$.texts') != '{}' ORDER BY e.seq",
            (by, ENGAGEMENT_FORMAT_2),
        ).fetchall()
        kept = [(rid, Engagement.from_json(text)) for rid, text in rows]
        done.records = {rid: len(rec.to_dict()["texts"]) for rid, rec in kept}
        if not apply or not kept:
            return done
        store.conn.execute("PRAGMA secure_delete=ON")
        store.conn.execute("BEGIN IMMEDIATE")
        try:
            store.conn.executemany(
                "UPDATE engagements SET record = ? WHERE id = ?",
                [(rec.without_texts().canonical().decode("utf-8"), rid) for rid, rec in kept],
            )
            store.conn.execute("COMMIT")
        except BaseException:
            if store.conn.in_transaction:
                store.conn.execute("ROLLBACK")
            raise
    return done
