"""For the hostile-input tests: a device's bundle taken apart and put back together, the memory
a command may take, and a huge value to quote back."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.model import canonical_json
from fieldkit.sync.device_side import device_seal_key
from fieldkit.wire.seal import SealKey, looks_sealed, open_sealed, seal
from fieldkit.workspace import Workspace
from tests.support.cli import GiB, invoke
from tests.support.sync import central_count

DEEP = b"[" * 100_000 + b"]" * 100_000
MiB = 1024 * 1024
#: The address space a command under attack may take: a bomb not refused ends in MemoryError.
MEMORY_CAP = 4 * GiB


def central_seal_key(ws: Workspace) -> SealKey:
    with Central(central_path(ws.sync)) as store:
        return store.sealing_key()


def unsealed(ws: Workspace, bundle: Path) -> bytes:
    """The zip a device's bundle holds, opened with central's key as central opens it."""
    return open_sealed(bundle.read_bytes(), central_seal_key(ws), "bundle", str(bundle))


def seal_for(ws: Workspace, bundle: Path) -> Path:
    """Seal the plain zip at `bundle` to `ws`'s central, in place, as a device would."""
    if not looks_sealed(bundle.read_bytes()[:16]):
        bundle.write_bytes(seal(bundle.read_bytes(), central_seal_key(ws).public_hex, "bundle"))
    return bundle


def members(bundle: Path, ws: Workspace) -> dict[str, bytes]:
    """The members of a device's sealed bundle, opened with `ws`'s central key."""
    with zipfile.ZipFile(io.BytesIO(unsealed(ws, bundle))) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_zip(
    target: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED
) -> Path:
    """A plain zip of `entries` (`refused` seals it to central before importing it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the point
        with zipfile.ZipFile(target, "w", method) as z:
            for name, data in entries:
                z.writestr(name, data)
    return target


def open_answer(dev: Path, answer: Path) -> dict[str, Any]:
    """An answer bundle opened with the device's key, as the device opens it."""
    with Device.open(dev) as device:
        key = device_seal_key(device)
    return dict(json.loads(open_sealed(answer.read_bytes(), key, "answer", str(answer))))


def seal_answer(dev: Path, answer: dict[str, Any] | bytes, target: Path) -> Path:
    """`answer` (JSON, or bytes as they are) sealed to the device at `dev`, as central does."""
    with Device.open(dev) as device:
        key = device_seal_key(device)
    data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
    target.write_bytes(seal(data, key.public_hex, "answer"))
    return target


def resigned(dev: Path, parts: dict[str, bytes], **changes: Any) -> dict[str, bytes]:
    """Members with records changed and the manifest fixed up and signed with the device's
    own key: what a device with a valid key (stolen, or its owner) could send."""
    parts = dict(parts)
    manifest = json.loads(parts["manifest.json"])
    if "records" in changes:
        parts["records.jsonl"] = changes.pop("records")
        manifest["checksums"]["records.jsonl"] = hashlib.sha256(parts["records.jsonl"]).hexdigest()
    manifest.update(changes)
    parts["manifest.json"] = canonical_json(manifest)
    with Device.open(dev) as device:
        parts["manifest.sig"] = device.key.sign(parts["manifest.json"]).encode()
    return parts


def refused(ws: Workspace, bundle: Path, *words: str, sealed: bool = True) -> str:
    """Import through the CLI (a plain zip sealed to central first, unless not `sealed`):
    exit 2, one line, every word in it, nothing stored."""
    if sealed:
        seal_for(ws, bundle)
    done = invoke("central", "import-bundle", str(bundle), "--workspace", str(ws.root))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert len(lines[0]) < 600, lines[0][:600]
    assert central_count(ws) == 0
    return lines[0]


def push_body(device: str, key: str, records: bytes) -> bytes:
    return b'{"device": "%s", "public_key": "%s", "records": [%s]}' % (
        device.encode(),
        key.encode(),
        records,
    )


HOSTILE = "Z" * MiB


def quotes_little(text: str) -> bool:
    """True when `text` shows some of the hostile value, but never more than 200 of it."""
    return "Z" * 20 in text and "Z" * 201 not in text
