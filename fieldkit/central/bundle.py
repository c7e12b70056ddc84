"""A device's push bundle on central: checked whole, ingested, and answered with a signed file.

A push bundle comes sealed to central's X25519 key: its size is checked, then it is opened
with central's key (a bundle sealed to another central, or changed after sealing, is refused
whole). Central checks all of it before ingesting anything (sizes first: see bundle_file.py),
then ingests every record in one transaction through the same code as HTTP pushes. The
answer bundle is one JSON file with a sha256 checksum, signed with central's key
(acknowledgements, central's high-water mark and the plan change), sealed to the key the
device's signed manifest names.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.central import plans
from fieldkit.central.bulk import paused_gc
from fieldkit.central.bundle_file import MAX_ZIP, BundleFile
from fieldkit.central.ingest import ForeignRecordError, IngestResult, ingest
from fieldkit.central.store import ACTIVE, Central, CentralError, central_path
from fieldkit.errors import quote
from fieldkit.i18n import _
from fieldkit.model import canonical_json
from fieldkit.private_files import write_private
from fieldkit.wire.keys import verify_signature
from fieldkit.wire.protocol import ANSWER_FORMAT, BundleError, checksum, now_iso
from fieldkit.wire.seal import NotForThisKeyError, SealError, looks_sealed, open_sealed, read_sealed
from fieldkit.wire.seal import seal as seal_to
from fieldkit.workspace import Workspace

#: progress(step): one of RECEIVE_STEPS, as each begins.
Progress = Callable[[str], None]
#: The steps of receive_bundle, in order.
RECEIVE_STEPS = ("publishing plans", "importing the bundle", "writing the answer")


@dataclass
class BundleImport:
    """What importing one push bundle did, and the answer bundle written for its device."""

    device: str
    answer: Path
    new: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    seen_before: bool = False

    @property
    def files(self) -> list[Path]:
        return [self.answer]

    def to_dict(self) -> dict[str, Any]:
        """The outcome as `central import-bundle --json` prints it."""
        return {
            "device": self.device,
            "new": self.new,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "seen_before": self.seen_before,
            "answer": str(self.answer),
        }


def receive_bundle(
    ws: Workspace, source: Path, answer: Path | None = None, progress: Progress | None = None
) -> BundleImport:
    """Import a device's push bundle into the workspace's central store (its plans published
    from ops/ first) and write the answer bundle to `answer` (default: FILE.answer.json)."""
    step = progress or (lambda _step: None)
    target = answer or source.with_name(source.stem + ".answer.json")
    with Central(central_path(ws.sync)) as store:
        step(RECEIVE_STEPS[0])
        plans.publish(store, ws.ops)
        step(RECEIVE_STEPS[1])
        reply, result, seen = import_bundle(store, source)
    step(RECEIVE_STEPS[2])
    write_answer(reply, target)
    return BundleImport(
        device=str(reply["device"]),
        answer=target,
        new=result.new,
        duplicates=result.duplicates,
        rejected=result.rejected,
        seen_before=seen,
    )


@paused_gc()
def import_bundle(central: Central, source: Path) -> tuple[dict[str, Any], IngestResult, bool]:
    """Check a push bundle whole, ingest it, and build the answer: (answer, result, seen before).

    The zip's directory is checked first, then who signed the manifest; records are read last.
    """
    manifest, row, secret, records, lines = _read_bundle(central, source)
    device, key = str(manifest["device"]), str(manifest["public_key"])

    def admit() -> str:
        _admit_sender(central, source, row, manifest, secret)
        return str(central.bind(row, device, key)["public_key"])

    noted: list[bool] = []

    def note(conn: Any) -> None:
        noted.append(_note_bundle(conn, manifest, len(records)))

    try:
        result = ingest(central, device, key, records, lines, admit=admit, also=note)
    except ForeignRecordError as exc:
        raise BundleError(
            _("{source}: {exc}; nothing was imported").format(source=source, exc=exc)
        ) from None
    return _answer(central, row, manifest, result), result, noted[0]


def _read_bundle(
    central: Central, source: Path
) -> tuple[dict[str, Any], dict[str, Any], str | None, list[Any], list[bytes]]:
    """(manifest, device row, credential secret, records, lines) of a bundle signed by an
    active device; BundleError for anything else."""
    with BundleFile(source, io.BytesIO(_unsealed(central, source))) as bundle:
        manifest, head, signature = bundle.manifest()
        device = str(manifest["device"])
        row = central.device_row(manifest["credential_id"])
        if row is None or row["status"] != ACTIVE:
            raise BundleError(
                _("{source}: device {device} is unknown or revoked on central").format(
                    source=source, device=quote(device)
                )
            )
        if not verify_signature(manifest["public_key"], head, signature):
            raise BundleError(
                _("{source} is forged: its signature does not match its manifest").format(
                    source=source
                )
            )
        secret = bundle.credential(manifest)
        records, lines = bundle.records(manifest)
    return manifest, row, secret, records, lines


def _unsealed(central: Central, source: Path) -> bytes:
    """The bundle's zip, opened with central's key (its size checked before it is read)."""
    try:
        sealed = read_sealed(source, MAX_ZIP, "bundle")
        if not looks_sealed(sealed[:16]):
            raise BundleError(
                _(
                    "bundle {source} is not sealed to central (a bundle from an older "
                    "fieldkit, or not a bundle): export it again on the device; nothing was "
                    "imported"
                ).format(source=source)
            )
        return open_sealed(sealed, central.sealing_key(), "bundle", f"bundle {source}")
    except NotForThisKeyError:
        raise BundleError(
            _(
                "bundle {source} is sealed to another central, not this one: import it "
                "where its device was enrolled; nothing was imported"
            ).format(source=source)
        ) from None
    except SealError as exc:
        raise BundleError(_("{exc}; nothing was imported").format(exc=exc)) from None


def _admit_sender(
    central: Central,
    source: Path,
    row: dict[str, Any],
    manifest: dict[str, Any],
    secret: str | None,
) -> None:
    """A first bundle proves its credential; a later one is signed with the key central holds."""
    device = str(manifest["device"])
    try:
        if row["public_key"] is None:
            if secret is None:
                raise BundleError(
                    _(
                        "{source}: device {device} has not registered its key with central and "
                        "the bundle carries no credential"
                    ).format(source=source, device=quote(device))
                )
            central.authenticate(row["id"], secret)
        elif row["public_key"] != manifest["public_key"] or row["device"] != device:
            raise BundleError(
                _(
                    "{source} is forged: it is not signed with the key central holds for "
                    "{device}; nothing was imported"
                ).format(source=source, device=row["device"] or row["id"])
            )
    except CentralError as exc:
        raise BundleError(
            _("{source}: {exc}; nothing was imported").format(source=source, exc=exc)
        ) from None


def _note_bundle(conn: Any, manifest: dict[str, Any], records: int) -> bool:
    """Note the bundle as imported, in the ingest's transaction (one commit for both); True
    when it was imported before."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO bundles (id, device, records, imported_at) VALUES (?,?,?,?)",
        (str(manifest["bundle"]), str(manifest["device"]), records, now_iso()),
    )
    return bool(cur.rowcount == 0)


def _answer(
    central: Central, row: dict[str, Any], manifest: dict[str, Any], result: IngestResult
) -> dict[str, Any]:
    """The answer bundle, checksummed and signed with central's key."""
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
        "device": str(manifest["device"]),
        "answer_key": str(manifest["answer_key"]),
        "created": now_iso(),
        "acknowledged": result.acknowledged,
        "rejected": result.rejected,
        "head": result.head,
        "plan": pulled.model_dump(mode="json"),
    }
    answer["checksum"] = checksum(answer)
    answer["signature"] = central.signing_key().sign(canonical_json(answer))
    return answer


def write_answer(answer: dict[str, Any], target: Path) -> None:
    """The answer, sealed to the device's key it names (`answer_key`), owner-only."""
    text = json.dumps(answer, indent=1, ensure_ascii=False).encode("utf-8")
    write_private(target, seal_to(text, str(answer["answer_key"]), "answer"))
