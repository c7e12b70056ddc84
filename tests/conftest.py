"""Shared fixtures: fresh workspaces, one run of the demo, a central and a device to attack."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fieldkit.central.server import create_app
from fieldkit.central.store import central_path
from fieldkit.i18n import set_language
from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import invoke
from tests.support.demo import DemoRun, run_demo
from tests.support.device_db import kept_json
from tests.support.sync import central_workspace, fill, new_device

# Stores encrypted at rest, for every test and every command it starts: the cheapest key
# derivation (a real one takes half a second per open), and central's passphrase from the
# environment, as an operator sets it. Never a prompt.
os.environ.setdefault("FIELDKIT_KDF_SECONDS", "0")
os.environ.setdefault("FIELDKIT_CENTRAL_PASSPHRASE", "central passphrase of the tests")
# The devices' passphrase: the demo's and the simulator's, so their devices open too.
os.environ.setdefault("FIELDKIT_PASSPHRASE", "demo-passphrase")


@pytest.fixture(autouse=True)
def english_unless_asked() -> Iterator[None]:
    """Each test starts speaking as FIELDKIT_LANG says: a language a test (or a device's
    setting, or the app's key) chose does not carry into the next one."""
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace with the shipped playbooks."""
    ws, _ = init_workspace(tmp_path / "ws")
    return ws


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo with 4 devices and seed 1, run once per session whoever asks first.

    Tests must not change its workspace: copy a device folder before logging on it.
    """
    run = run_demo(tmp_path_factory.mktemp("demo") / "ws", "--devices", "4", "--seed", "1")
    assert run.returncode == 0, f"demo failed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, Path]:
    """For the hostile-input tests: central, a device with three records, its genuine bundle."""
    tmp = tmp_path_factory.mktemp("hostile")
    ws = central_workspace(tmp)
    dev = tmp / "dev"
    new_device(ws, dev)
    fill(dev, 3)
    bundle = tmp / "genuine.zip"
    done = invoke("sync", "--export-bundle", str(bundle), "--workspace", str(dev))
    assert done.returncode == 0, done.stderr
    return ws, dev, bundle


@pytest.fixture(scope="module")
def client(pair: tuple[Workspace, Path, Path]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """Central's API in process, and the `pair` device's authorisation headers."""
    ws, dev, _ = pair
    block = kept_json(dev)
    auth = {
        "Authorization": f"Bearer {block['device_id']}:{block['credential']}",
        "Content-Type": "application/json",
    }
    with TestClient(create_app(central_path(ws.sync), ws.ops), raise_server_exceptions=False) as c:
        yield c, auth
