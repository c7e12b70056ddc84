"""What the central store holds, read: records, problems, conflicts and its status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fieldkit.central.store_base import StoreBase
from fieldkit.model import ENGAGEMENT_FORMAT_2, TEXTS_FIELD


class StoreReading(StoreBase):
    """Reads of a central store (part of `Central`)."""

    path: Path

    def record_count(self, device: str | None = None) -> int:
        if device is None:
            return int(self.query("SELECT count(*) FROM records")[0][0])
        return int(self.query("SELECT count(*) FROM records WHERE device = ?", (device,))[0][0])

    def records(self, device: str | None = None) -> list[dict[str, Any]]:
        """Stored records in central's order (hlc, device, id): the same on every central.

        A record is kept as `body` (the exact canonical bytes its hash covers) with its hash and
        signature beside it; `Engagement.from_dict` of what this returns is the device's record.
        """
        sql, args = "SELECT body, hash, signature FROM records", []
        if device is not None:
            sql, args = sql + " WHERE device = ?", [device]
        rows = self.query(sql + " ORDER BY hlc, device, id", args)
        records = [{**json.loads(body), "hash": h, "signature": sig} for body, h, sig in rows]
        with self.lock:
            texts = _texts_of(self.conn)
        for r in records:
            if r.get("format") == ENGAGEMENT_FORMAT_2:
                r[TEXTS_FIELD] = texts.get(r["id"], {})
        return records

    def problems(self, open_only: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT n, device, kind, record_id, detail, found_at, resolved_at FROM problems"
        if open_only:
            sql += " WHERE resolved_at IS NULL"
        names = ("n", "device", "kind", "record", "detail", "found_at", "resolved_at")
        return [dict(zip(names, r, strict=True)) for r in self.query(sql + " ORDER BY n")]

    def conflicts(self) -> list[dict[str, Any]]:
        names = ("amends", "record_a", "device_a", "record_b", "device_b", "found_at")
        rows = self.query(f"SELECT {', '.join(names)} FROM conflicts ORDER BY n")
        return [dict(zip(names, r, strict=True)) for r in rows]

    def status(self) -> dict[str, Any]:
        """Devices (last seen, records, chain head), totals, open problems and conflicts."""
        devices = []
        open_by = dict(
            self.query(
                "SELECT device, count(*) FROM problems WHERE resolved_at IS NULL GROUP BY device"
            )
        )
        for r in self.query(
            "SELECT id, device, team, operation, officer, status, last_seen, head_count, "
            "stored FROM devices ORDER BY team, id"
        ):
            devices.append(
                {
                    "id": r[0],
                    "device": r[1],
                    "team": r[2],
                    "operation": r[3],
                    "officer": r[4],
                    "status": r[5],
                    "last_seen": r[6],
                    "records": r[8] if r[1] is not None else 0,
                    "unbroken": r[7],
                    "open_problems": open_by.get(r[1], 0),
                }
            )
        return {
            "central": str(self.path),
            "devices": devices,
            # Every stored record's device is enrolled: the counts the triggers keep add up.
            "records": sum(d["records"] for d in devices),
            "problems": {
                "open": int(
                    self.query("SELECT count(*) FROM problems WHERE resolved_at IS NULL")[0][0]
                ),
                "resolved": int(
                    self.query("SELECT count(*) FROM problems WHERE resolved_at IS NOT NULL")[0][0]
                ),
            },
            "conflicts": int(self.query("SELECT count(*) FROM conflicts")[0][0]),
            "plan_versions": int(self.query("SELECT count(*) FROM plans")[0][0]),
        }


def _texts_of(conn: Any) -> dict[str, dict[str, dict[str, str]]]:
    """{record id: {digest: {salt, text}}}: the texts kept beside format 2 records."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    rows = conn.execute("SELECT record_id, digest, salt, text FROM record_texts")
    for rid, digest, salt, text in rows:
        found.setdefault(rid, {})[digest] = {"salt": salt, "text": text}
    return found
