"""One operation's share of central: its devices, their records and problems, read by device.

A national central holds every operation's year; a report, map or follow-up list of one
operation reads only the rows of the devices enrolled for it (records by the (device,
prev_hash) index, texts by their record id), never the whole store, so its cost does not grow
with the other operations. Ingest's content rules keep a device's records to the operation its
credential was issued for; the records read are still checked to be of the operation.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from fieldkit.central.store import Central
from fieldkit.model import ENGAGEMENT_FORMAT_2, TEXTS_FIELD


def enrolled_operations(store: Central) -> set[str]:
    """The operations central has enrolled devices for (no record is read)."""
    return {str(op) for (op,) in store.query("SELECT DISTINCT operation FROM devices")}


def operation_devices(store: Central, operations: Collection[str]) -> list[dict[str, Any]]:
    """The device rows (credential id, device id, team, operation) enrolled for `operations`."""
    wanted = sorted(set(operations))
    marks = ",".join("?" * len(wanted))
    rows = store.query(
        f"SELECT id, device, team, operation FROM devices WHERE operation IN ({marks})"
        " ORDER BY team, id",
        wanted,
    )
    names = ("id", "device", "team", "operation")
    return [dict(zip(names, r, strict=True)) for r in rows]


def operation_records(store: Central, operations: Collection[str]) -> list[dict[str, Any]]:
    """The records of `operations`, as `Central.records()` gives them (central's order: hlc,
    device, id; format 2 with their texts), read device by device."""
    wanted = set(operations)
    devices = sorted({d["device"] for d in operation_devices(store, wanted) if d["device"]})
    found: list[tuple[tuple[str, str, str], dict[str, Any]]] = []
    texts: dict[str, dict[str, dict[str, str]]] = {}
    with store.lock:
        for device in devices:
            for hlc, rid, body, h, sig in store.conn.execute(
                "SELECT hlc, id, body, hash, signature FROM records WHERE device = ?", (device,)
            ):
                record = json.loads(body)
                if record.get("operation") in wanted:
                    found.append(((hlc, device, rid), {**record, "hash": h, "signature": sig}))
            for rid, digest, salt, text in store.conn.execute(
                "SELECT t.record_id, t.digest, t.salt, t.text FROM records r"
                " JOIN record_texts t ON t.record_id = r.id WHERE r.device = ?",
                (device,),
            ):
                texts.setdefault(rid, {})[digest] = {"salt": salt, "text": text}
    found.sort(key=lambda pair: pair[0])
    records = [record for _, record in found]
    for r in records:
        if r.get("format") == ENGAGEMENT_FORMAT_2:
            r[TEXTS_FIELD] = texts.get(r["id"], {})
    return records


def device_problems(store: Central, devices: Collection[str]) -> list[dict[str, Any]]:
    """`Central.problems()` of these devices only (by credential or device id), in order."""
    wanted = sorted(set(devices))
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    names = ("n", "device", "kind", "record", "detail", "found_at", "resolved_at")
    rows = store.query(
        "SELECT n, device, kind, record_id, detail, found_at, resolved_at FROM problems"
        f" WHERE device IN ({marks}) ORDER BY n",
        wanted,
    )
    return [dict(zip(names, r, strict=True)) for r in rows]
