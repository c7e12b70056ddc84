"""Bundle files carried by hand: a device's signed push bundle, and central's answer bundle.

A push bundle is one zip file: `manifest.json` (the device, its key, the record count and the
sha256 of every other member), `records.jsonl` (one record per line), `manifest.sig` (the
device's Ed25519 signature of the manifest's bytes) and, on first contact only, `credential`.
Central checks all of it before ingesting anything, then ingests every record in one
transaction through the same code as HTTP pushes. The answer bundle is one JSON file with a
sha256 checksum: acknowledgements, central's high-water mark and the plan change.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from fieldkit.errors import UserError
from fieldkit.field import outbox
from fieldkit.field.device import Device
from fieldkit.field.ids import uuid7
from fieldkit.field.keys import verify_signature
from fieldkit.model import canonical_json
from fieldkit.sync import device_side as side
from fieldkit.sync import plans
from fieldkit.sync.bulk import paused_gc
from fieldkit.sync.central import ACTIVE, Central, CentralError, ForbiddenError, now_iso
from fieldkit.sync.content import is_uuid, quote
from fieldkit.sync.ingest import IngestResult, check_owner, ingest
from fieldkit.sync.protocol import ANSWER_FORMAT, BUNDLE_FORMAT, DEVICE_ID

MANIFEST, SIGNATURE, RECORDS, CREDENTIAL = (
    "manifest.json",
    "manifest.sig",
    "records.jsonl",
    "credential",
)


class BundleError(UserError):
    """A bundle refused whole: truncated, corrupted, forged or not for this place."""


def checksum(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


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
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
            for name in (MANIFEST, SIGNATURE, RECORDS, CREDENTIAL):
                if name in members:
                    out.writestr(name, members[name])
        tmp.replace(target)
        outbox.mark(dev.store, [r.id for r in records], outbox.SENT)
        side.write_state(dev, last_bundle=manifest["bundle"])
        return manifest


def import_answer(root: Path, source: Path) -> dict[str, Any]:
    """Apply central's answer bundle on the device: acknowledgements and the plan change."""
    answer = _read_json(source, "answer bundle")
    if not isinstance(answer, dict) or answer.get("format") != ANSWER_FORMAT:
        raise BundleError(
            f"{source} is not an answer bundle from central (format {ANSWER_FORMAT}); "
            "a device imports the file `fieldkit central import-bundle` wrote"
        )
    signed = {k: v for k, v in answer.items() if k != "signature"}
    body = {k: v for k, v in signed.items() if k != "checksum"}
    if answer.get("checksum") != checksum(body):
        raise BundleError(f"{source} is corrupted (its checksum does not match); nothing applied")
    with Device.open(root) as dev:
        if answer.get("device") != dev.id:
            raise BundleError(
                f"{source} answers device {answer.get('device')}, not this device ({dev.id}); "
                "nothing applied"
            )
        central_key = (dev.loadout.data.get("central") or {}).get("central_key")
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
    """Check a push bundle whole, ingest it, and build the answer: (answer, result, seen before)."""
    manifest, head, signature, records, lines, secret = _open_bundle(source)
    _check_ids(source, manifest)
    device = str(manifest["device"])
    row = central.device_row(str(manifest["credential_id"]))
    if row is None or row["status"] != ACTIVE:
        raise BundleError(f"{source}: device {device} is unknown or revoked on central")
    if not verify_signature(str(manifest["public_key"]), head, signature):
        raise BundleError(f"{source} is forged: its signature does not match its manifest")
    try:
        check_owner(records, device)
        if row["public_key"] is None:
            if secret is None:
                raise BundleError(
                    f"{source}: device {device} has not registered its key with central and "
                    "the bundle carries no credential"
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


def _check_ids(source: Path, manifest: dict[str, Any]) -> None:
    """The manifest's ids are ids: they are looked up, stored and shown."""
    for name in ("device", "credential_id"):
        value = manifest[name]
        if not isinstance(value, str) or not re.fullmatch(DEVICE_ID, value):
            raise BundleError(
                f"{source}: the manifest's {name} {quote(value)} is not a device id; "
                "nothing was imported"
            )
    if not is_uuid(manifest["bundle"]):
        raise BundleError(
            f"{source}: the manifest's bundle id {quote(manifest['bundle'])} is not a UUID; "
            "nothing was imported"
        )


def write_answer(answer: dict[str, Any], target: Path) -> None:
    _write_atomic(target, json.dumps(answer, indent=1, ensure_ascii=False).encode("utf-8"))


def _open_bundle(
    source: Path,
) -> tuple[dict[str, Any], bytes, str, list[dict[str, Any]], list[bytes], str | None]:
    """Read and check a bundle whole: (manifest, its bytes, signature, records, their lines,
    credential)."""
    damaged = f"bundle {source} is truncated or corrupted"
    try:
        with zipfile.ZipFile(source) as bundle:
            names = set(bundle.namelist())
            if not {MANIFEST, SIGNATURE, RECORDS} <= names:
                raise BundleError(f"{source} is not a device bundle (no manifest or records)")
            members = {name: bundle.read(name) for name in names}
    except FileNotFoundError:
        raise BundleError(f"bundle {source}: no such file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BundleError(f"{damaged} ({exc}); nothing was imported") from None
    try:
        manifest = json.loads(members[MANIFEST])
        signature = members[SIGNATURE].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise BundleError(f"{damaged}: unreadable manifest; nothing was imported") from None
    need = ("bundle", "device", "credential_id", "public_key", "count", "checksums")
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != BUNDLE_FORMAT
        or any(k not in manifest for k in need)
    ):
        raise BundleError(f"{source} is not a device bundle ({BUNDLE_FORMAT} manifest)")
    sums = manifest["checksums"]
    for name, data in members.items():
        if name in (MANIFEST, SIGNATURE):
            continue
        if not isinstance(sums, dict) or sums.get(name) != hashlib.sha256(data).hexdigest():
            raise BundleError(
                f"{source} is corrupted: {name} does not match the manifest's sha256 checksum; "
                "nothing was imported"
            )
    try:
        lines = [line for line in members[RECORDS].splitlines() if line.strip()]
        records = _loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        raise BundleError(f"{damaged}: a record is not JSON; nothing was imported") from None
    if not isinstance(records, list) or len(lines) != len(records):
        raise BundleError(f"{damaged}: records.jsonl is not one record a line")
    if len(records) != manifest["count"]:
        raise BundleError(
            f"{source} is corrupted: it holds {len(records)} records, its "
            f"manifest says {manifest['count']}; nothing was imported"
        )
    secret = members[CREDENTIAL].decode() if CREDENTIAL in members else None
    return manifest, members[MANIFEST], signature, records, lines, secret


def _loads(data: bytes) -> Any:
    """json.loads, with orjson when it is installed (the same objects, several times faster)."""
    try:
        import orjson
    except ImportError:
        return json.loads(data)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # e.g. integers over 64 bits: the standard parser's answer


def _read_json(source: Path, what: str) -> Any:
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise BundleError(f"{what} {source}: cannot read it ({exc})") from None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BundleError(
            f"{what} {source} is truncated or corrupted (not whole JSON: {exc}); "
            "nothing was imported"
        ) from None


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
