"""Every chain central holds, checked again: each record's hash, signature and texts, each
link to a record held or to the trace of one removed at retention."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from fieldkit.central.store import Central
from fieldkit.model import ENGAGEMENT_FORMAT_2, GENESIS_HASH, TEXTS_FIELD, Engagement, RecordError
from fieldkit.wire.keys import verify_signature


@dataclass
class ChainVerification:
    """What the check found: devices, records and traces checked, and every fault."""

    devices: int = 0
    records: int = 0
    removed: int = 0
    faults: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "devices": self.devices,
            "records": self.records,
            "removed": self.removed,
            "faults": list(self.faults),
        }


def verify_chains(central: Central) -> ChainVerification:
    """Check every bound device's records and traces on central; the store is only read."""
    found = ChainVerification()
    texts = _texts(central)
    keys = central.query("SELECT device, public_key FROM devices WHERE device IS NOT NULL")
    for device, public_key in sorted(keys):
        found.devices += 1
        rows = central.query(
            "SELECT id, prev_hash, hash, signature, body FROM records WHERE device = ?", (device,)
        )
        traces = central.query(
            "SELECT id, prev_hash, hash, signature FROM removed_records WHERE device = ?",
            (device,),
        )
        held = {r[2] for r in rows} | {t[2] for t in traces}
        for rid, prev, digest, signature, body in rows:
            found.records += 1
            fault = _record_fault(body, digest, signature, public_key, texts.get(rid, {}))
            if fault is None and prev != GENESIS_HASH and prev not in held:
                fault = f"it follows hash {prev[:12]}..., which central does not hold"
            if fault is not None:
                found.faults.append(f"{device}: record {rid}: {fault}")
        for rid, _, digest, signature in traces:
            found.removed += 1
            if not verify_signature(public_key, bytes.fromhex(digest), signature):
                found.faults.append(
                    f"{device}: removed record {rid}: its trace's signature is not this device's"
                )
    return found


def _record_fault(
    body: str, digest: str, signature: str, public_key: str, texts: dict[str, Any]
) -> str | None:
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != digest:
        return "its content does not match its hash"
    if not verify_signature(public_key, bytes.fromhex(digest), signature):
        return "its signature is not its device's"
    data = json.loads(body)
    if data.get("format") != ENGAGEMENT_FORMAT_2:
        return None
    try:
        rec = Engagement.from_dict({**data, TEXTS_FIELD: texts})
    except RecordError as exc:
        return f"it cannot be read with its texts ({exc})"
    faults = rec.text_faults()
    return f"its {faults[0]} text does not match its digest" if faults else None


def _texts(central: Central) -> dict[str, dict[str, dict[str, str]]]:
    found: dict[str, dict[str, dict[str, str]]] = {}
    for rid, digest, salt, text in central.query(
        "SELECT record_id, digest, salt, text FROM record_texts"
    ):
        found.setdefault(rid, {})[digest] = {"salt": salt, "text": text}
    return found
