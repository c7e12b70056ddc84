"""For the hostile-input tests: a device's bundle taken apart and put back together, the memory
a command may take, and a huge value to quote back."""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

from fieldkit.field.keys import DeviceKey
from fieldkit.model import canonical_json
from fieldkit.workspace import Workspace
from tests.support.cli import GiB, invoke
from tests.support.sync import central_count

DEEP = b"[" * 100_000 + b"]" * 100_000
MiB = 1024 * 1024
#: The address space a command under attack may take: a bomb not refused ends in MemoryError.
MEMORY_CAP = 4 * GiB


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_zip(
    target: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED
) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the point
        with zipfile.ZipFile(target, "w", method) as z:
            for name, data in entries:
                z.writestr(name, data)
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
    key = DeviceKey.load(dev / "device" / "device.key")
    parts["manifest.sig"] = key.sign(parts["manifest.json"]).encode()
    return parts


def refused(ws: Workspace, bundle: Path, *words: str) -> str:
    """Import through the CLI: exit 2, one line, every word in it, nothing stored."""
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
