"""Helpers for the hostile-input tests: a device's bundle taken apart and put back together,
the command run with its memory capped, and a huge value to quote back."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fieldkit.central.server import create_app
from fieldkit.central.store import central_path
from fieldkit.field.keys import DeviceKey
from fieldkit.model import canonical_json
from fieldkit.workspace import Workspace
from tests.conftest import ROOT
from tests.test_sync_support import central_count, central_workspace, fill, new_device
from tests.test_sync_support import run_here as run

DEEP = b"[" * 100_000 + b"]" * 100_000
MiB = 1024 * 1024


def fieldkit(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m fieldkit ARGS` in a subprocess; its address space capped at 4 GiB, so a
    bomb that is not refused ends in a MemoryError rather than eating the machine."""
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=cap_memory,
    )


def cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 * MiB, 4 * 1024 * MiB))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, Path]:
    """Central, a device with three records, and its genuine bundle."""
    tmp = tmp_path_factory.mktemp("hostile")
    ws = central_workspace(tmp)
    dev = tmp / "dev"
    new_device(ws, dev)
    fill(dev, 3)
    bundle = tmp / "genuine.zip"
    done = run("sync", "--export-bundle", str(bundle), "--workspace", str(dev))
    assert done.returncode == 0, done.stderr
    return ws, dev, bundle


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
    done = run("central", "import-bundle", str(bundle), "--workspace", str(ws.root))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert len(lines[0]) < 600, lines[0][:600]
    assert central_count(ws) == 0
    return lines[0]


@pytest.fixture(scope="module")
def client(pair: tuple[Workspace, Path, Path]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    ws, dev, _ = pair
    block = json.loads((dev / "device" / "credential.json").read_text())
    auth = {
        "Authorization": f"Bearer {block['device_id']}:{block['credential']}",
        "Content-Type": "application/json",
    }
    with TestClient(create_app(central_path(ws.sync), ws.ops), raise_server_exceptions=False) as c:
        yield c, auth


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
