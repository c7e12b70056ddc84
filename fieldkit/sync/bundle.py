"""A device's bundle files carried by hand: its signed push bundle out, central's answer in.

A push bundle is one zip file: `manifest.json` (the device, its keys, the record count and the
sha256 of every other member), `records.jsonl` (one record per line), `manifest.sig` (the
device's Ed25519 signature of the manifest's bytes) and, on first contact only, `credential`;
the whole zip is then sealed to central's X25519 key (wire/seal.py), so the file on the stick
shows nothing of what it carries. The answer bundle is one JSON file with a sha256 checksum,
signed by central (acknowledgements, central's high-water mark and the plan change), sealed
to the device's own X25519 key, whose public half the push bundle's manifest carries.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import fieldkit.field.outbox as outbox
from fieldkit.errors import quote
from fieldkit.field.device import Device
from fieldkit.field.ids import uuid7
from fieldkit.i18n import _
from fieldkit.json_input import JSONInputError, loads
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
from fieldkit.wire.seal import (
    NotForThisKeyError,
    SealError,
    SealKey,
    open_sealed,
    read_sealed,
    seal,
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
        if not link.seal_key:
            raise BundleError(
                _(
                    "this device's credential was issued before bundles were sealed to "
                    "central: ask central for a new one (fieldkit central enroll-device), or "
                    "sync over HTTP"
                )
            )
        answer_key = side.device_seal_key(dev).public_hex
        state = side.read_state(dev)
        records = side.pending_texts(dev)
        lines = b"".join(text + b"\n" for _, text in records)
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
            "answer_key": answer_key,
            "created": now_iso(),
            "count": len(records),
            "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
            "plan_cursor": int(state.get("plan_cursor") or 0),
            "plan_have": side.plan_have(dev),
        }
        head = canonical_json(manifest)
        members[MANIFEST] = head
        members[SIGNATURE] = dev.key.sign(head).encode()
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as out:
            for name in (MANIFEST, SIGNATURE, RECORDS, CREDENTIAL):
                if name in members:
                    out.writestr(name, members[name])
        with private_output(target) as file:
            file.write(seal(packed.getvalue(), link.seal_key, "bundle"))
        outbox.mark(dev.store, [rid for rid, _ in records], outbox.SENT)
        side.write_state(dev, last_bundle=manifest["bundle"])
        return manifest


def import_answer(root: Path, source: Path) -> dict[str, Any]:
    """Apply central's answer bundle on the device: acknowledgements and the plan change."""
    with Device.open(root) as dev:
        answer = _read_answer(source, side.device_seal_key(dev))
        _check_answer(source, answer, dev)
        acked = side.acknowledge(dev, [str(i) for i in answer.get("acknowledged") or []])
        side.acknowledge_through(dev, (answer.get("head") or {}).get("hash"))
        changed = False
        plan = answer.get("plan") or {}
        if plan.get("change"):
            changed = side.apply_plan(dev, plan["change"]["loadout"], int(plan["cursor"]))
        side.write_state(dev, registered=True, last_sync=now_iso(), last_error=None)
        return {
            "acknowledged": acked,
            "plan_changed": changed,
            "counts": outbox.counts(dev.store),
            "texts_dropped": side.drop_old_texts(dev),
        }


def _check_answer(source: Path, answer: Any, dev: Device) -> None:
    """BundleError unless `answer` is an answer for this device, whole and signed by its central."""
    if not isinstance(answer, dict) or answer.get("format") != ANSWER_FORMAT:
        raise BundleError(
            _(
                "{source} is not an answer bundle from central (format {answer_format}); "
                "a device imports the file `fieldkit central import-bundle` wrote"
            ).format(source=source, answer_format=ANSWER_FORMAT)
        )
    signed = {k: v for k, v in answer.items() if k != "signature"}
    body = {k: v for k, v in signed.items() if k != "checksum"}
    if answer.get("checksum") != _checksum_or_none(body):
        raise BundleError(
            _("{source} is corrupted (its checksum does not match); nothing applied").format(
                source=source
            )
        )
    if answer.get("device") != dev.id:
        raise BundleError(
            _("{source} answers device {device}, not this device ({id}); nothing applied").format(
                source=source, device=quote(answer.get("device")), id=dev.id
            )
        )
    central_key = side.central_link(dev).central_key
    if not central_key or not verify_signature(
        str(central_key), canonical_json(signed), str(answer.get("signature"))
    ):
        raise BundleError(
            _(
                "{source} is not signed by this device's central (forged, or from "
                "another central); nothing applied"
            ).format(source=source)
        )


def _read_answer(source: Path, key: SealKey) -> Any:
    """The answer file opened with the device's key, refused unread when over MAX_ANSWER."""
    try:
        sealed = read_sealed(source, MAX_ANSWER, "answer bundle")
        return loads(open_sealed(sealed, key, "answer", f"answer bundle {source}"), MAX_ANSWER)
    except NotForThisKeyError:
        raise BundleError(
            _(
                "answer bundle {source} is sealed to another device, not this device: "
                "import it on the device whose bundle central imported; nothing applied"
            ).format(source=source)
        ) from None
    except SealError as exc:
        raise BundleError(_("{exc}; nothing applied").format(exc=exc)) from None
    except (JSONInputError, ValueError) as exc:
        raise BundleError(
            _(
                "answer bundle {source} is truncated or corrupted (not whole JSON: "
                "{exc}); nothing was imported"
            ).format(source=source, exc=exc)
        ) from None
