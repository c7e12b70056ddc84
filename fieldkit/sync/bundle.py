"""A device's bundle files carried by hand: its signed push bundle out, central's answer in.

A push bundle is one zip file: `manifest.json` (the device, its key, the record count and the
sha256 of every other member), `records.jsonl` (one record per line), `manifest.sig` (the
device's Ed25519 signature of the manifest's bytes) and, on first contact only, `credential`.
The answer bundle is one JSON file with a sha256 checksum, signed by central:
acknowledgements, central's high-water mark and the plan change.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import fieldkit.field.outbox as outbox
from fieldkit.errors import quote
from fieldkit.field.device import Device
from fieldkit.field.ids import uuid7
from fieldkit.json_input import read_json
from fieldkit.model import canonical_json
from fieldkit.private_files import private_output
from fieldkit.sync import device_side as side
from fieldkit.wire.keys import verify_signature
from fieldkit.wire.protocol import (
    ANSWER_FORMAT,
    BUNDLE_FORMAT,
    CREDENTIAL,
    MANIFEST,
    RECORDS,
    SIGNATURE,
    BundleError,
    checksum,
    now_iso,
)

#: The largest answer file a device reads (acknowledgements and one team's loadout).
MAX_ANSWER = 32 * 1024 * 1024


def _checksum_or_none(data: Any) -> str | None:
    """The checksum, or None for what has none (NaN or infinity: not JSON central writes)."""
    try:
        return checksum(data)
    except ValueError:
        return None


def export_bundle(root: Path, target: Path) -> dict[str, Any]:
    """Write the device's unacknowledged records as a signed bundle; returns its manifest."""
    with Device.open(root) as dev:
        link = side.central_link(dev)
        state = side.read_state(dev)
        records = outbox.to_send(dev.store)
        lines = b"".join(r.canonical() + b"\n" for r in records)
        members = {RECORDS: lines}
        if not state.get("registered"):
            # First contact: central has no key for this device yet; the credential binds it.
            members[CREDENTIAL] = link.secret.encode()
        manifest = {
            "format": BUNDLE_FORMAT,
            "bundle": uuid7(),
            "device": dev.id,
            "credential_id": link.credential_id,
            "public_key": dev.public_key,
            "created": now_iso(),
            "count": len(records),
            "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
            "plan_cursor": int(state.get("plan_cursor") or 0),
            "plan_have": side.plan_have(dev),
        }
        head = canonical_json(manifest)
        members[MANIFEST] = head
        members[SIGNATURE] = dev.key.sign(head).encode()
        with private_output(target) as file, zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as out:
            for name in (MANIFEST, SIGNATURE, RECORDS, CREDENTIAL):
                if name in members:
                    out.writestr(name, members[name])
        outbox.mark(dev.store, [r.id for r in records], outbox.SENT)
        side.write_state(dev, last_bundle=manifest["bundle"])
        return manifest


def import_answer(root: Path, source: Path) -> dict[str, Any]:
    """Apply central's answer bundle on the device: acknowledgements and the plan change."""
    answer = _read_answer(source)
    if not isinstance(answer, dict) or answer.get("format") != ANSWER_FORMAT:
        raise BundleError(
            f"{source} is not an answer bundle from central (format {ANSWER_FORMAT}); "
            "a device imports the file `fieldkit central import-bundle` wrote"
        )
    signed = {k: v for k, v in answer.items() if k != "signature"}
    body = {k: v for k, v in signed.items() if k != "checksum"}
    if answer.get("checksum") != _checksum_or_none(body):
        raise BundleError(f"{source} is corrupted (its checksum does not match); nothing applied")
    with Device.open(root) as dev:
        if answer.get("device") != dev.id:
            raise BundleError(
                f"{source} answers device {quote(answer.get('device'))}, not this device "
                f"({dev.id}); "
                "nothing applied"
            )
        central_key = side.central_link(dev).central_key
        if not central_key or not verify_signature(
            str(central_key), canonical_json(signed), str(answer.get("signature"))
        ):
            raise BundleError(
                f"{source} is not signed by this device's central (forged, or from another "
                "central); nothing applied"
            )
        acked = side.acknowledge(dev, [str(i) for i in answer.get("acknowledged") or []])
        side.acknowledge_through(dev, (answer.get("head") or {}).get("hash"))
        changed = False
        plan = answer.get("plan") or {}
        if plan.get("change"):
            changed = side.apply_plan(dev, plan["change"]["loadout"], int(plan["cursor"]))
        side.write_state(dev, registered=True, last_sync=now_iso(), last_error=None)
        return {"acknowledged": acked, "plan_changed": changed, "counts": outbox.counts(dev.store)}


def _read_answer(source: Path) -> Any:
    """The answer file's JSON, refused unread when it is over MAX_ANSWER bytes."""
    try:
        return read_json(source, MAX_ANSWER)
    except OSError as exc:
        raise BundleError(f"answer bundle {source}: cannot read it ({exc.strerror})") from None
    except ValueError as exc:
        raise BundleError(
            f"answer bundle {source} is truncated or corrupted (not whole JSON: {exc}); "
            "nothing was imported"
        ) from None
