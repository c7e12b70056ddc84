"""Bundle files carried by hand: a device's signed push bundle, and central's answer bundle.

A push bundle is one zip file: `manifest.json` (the device, its key, the record count and the
sha256 of every other member), `records.jsonl` (one record per line), `manifest.sig` (the
device's Ed25519 signature of the manifest's bytes) and, on first contact only, `credential`.
Central checks all of it before ingesting anything (sizes first: see bundle_file.py), then
ingests every record in one transaction through the same code as HTTP pushes. The answer
bundle is one JSON file with a sha256 checksum: acknowledgements, central's high-water mark
and the plan change.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from fieldkit.errors import quote
from fieldkit.field import outbox
from fieldkit.field.device import Device
from fieldkit.field.ids import uuid7
from fieldkit.field.keys import verify_signature
from fieldkit.json_input import read_json
from fieldkit.model import canonical_json
from fieldkit.private_files import private_output, write_private
from fieldkit.sync import device_side as side
from fieldkit.sync import plans
from fieldkit.sync.bulk import paused_gc
from fieldkit.sync.bundle_file import (
    CREDENTIAL,
    MANIFEST,
    RECORDS,
    SIGNATURE,
    BundleError,
    BundleFile,
)
from fieldkit.sync.central import ACTIVE, Central, CentralError, ForbiddenError, now_iso
from fieldkit.sync.ingest import IngestResult, check_owner, ingest
from fieldkit.sync.protocol import ANSWER_FORMAT, BUNDLE_FORMAT

#: The largest answer file a device reads (acknowledgements and one team's loadout).
MAX_ANSWER = 32 * 1024 * 1024


def checksum(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _checksum_or_none(data: Any) -> str | None:
    """The checksum, or None for what has none (NaN or infinity: not JSON central writes)."""
    try:
        return checksum(data)
    except ValueError:
        return None


# -- on the device -------------------------------------------------------------------


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


# -- on central ------------------------------------------------------------------------


@paused_gc()
def import_bundle(central: Central, source: Path) -> tuple[dict[str, Any], IngestResult, bool]:
    """Check a push bundle whole, ingest it, and build the answer: (answer, result, seen before).

    The zip's directory is checked first, then who signed the manifest; records are read last.
    """
    with BundleFile(source) as bundle:
        manifest, head, signature = bundle.manifest()
        device = str(manifest["device"])
        row = central.device_row(manifest["credential_id"])
        if row is None or row["status"] != ACTIVE:
            raise BundleError(f"{source}: device {quote(device)} is unknown or revoked on central")
        if not verify_signature(manifest["public_key"], head, signature):
            raise BundleError(f"{source} is forged: its signature does not match its manifest")
        secret = bundle.credential(manifest)
        records, lines = bundle.records(manifest)
    try:
        check_owner(records, device)
        if row["public_key"] is None:
            if secret is None:
                raise BundleError(
                    f"{source}: device {quote(device)} has not registered its key with "
                    "central and the bundle carries no credential"
                )
            central.authenticate(row["id"], secret)
        elif row["public_key"] != manifest["public_key"] or row["device"] != device:
            raise BundleError(
                f"{source} is forged: it is not signed with the key central holds for "
                f"{row['device'] or row['id']}; nothing was imported"
            )
    except (CentralError, ForbiddenError) as exc:
        raise BundleError(f"{source}: {exc}; nothing was imported") from None
    bound = central.bind(row, device, str(manifest["public_key"]))
    result = ingest(central, device, str(bound["public_key"]), records, lines)
    with central.transaction() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO bundles (id, device, records, imported_at) VALUES (?,?,?,?)",
            (str(manifest["bundle"]), device, len(records), now_iso()),
        )
        seen = cur.rowcount == 0
    pulled = plans.pull(
        central,
        row["operation"],
        row["team"],
        int(manifest.get("plan_cursor") or 0),
        manifest.get("plan_have"),
    )
    answer: dict[str, Any] = {
        "format": ANSWER_FORMAT,
        "bundle": manifest["bundle"],
        "device": device,
        "created": now_iso(),
        "acknowledged": result.acknowledged,
        "rejected": result.rejected,
        "head": result.head,
        "plan": pulled.model_dump(mode="json"),
    }
    answer["checksum"] = checksum(answer)
    answer["signature"] = central.signing_key().sign(canonical_json(answer))
    return answer, result, seen


def write_answer(answer: dict[str, Any], target: Path) -> None:
    write_private(target, json.dumps(answer, indent=1, ensure_ascii=False))


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
