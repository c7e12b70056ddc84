"""Fixtures for the app's tests: a small fixed workspace (the Barnet playbook, a broken one, one
operation) and the app on it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldkit.field import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.unlock import PASSPHRASE_ENV, forget_passphrase, give_passphrase
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.workspace import FOLDERS, Workspace
from tests.support.paths import BARNET

BROKEN = """\
version: 1
operation:
  id: broken-op
  name: A playbook with mistakes
  start: 2023-09-24
  end: 2023-09-30
  timezone: Europe/London
  leader: DI Example
partners: [met_police]
"""
"""Fixed text: an unknown key on line 8 and missing sections; its problems come from the core."""


@pytest.fixture(autouse=True)
def unlocked() -> Iterator[None]:
    """The device's passphrase given to the app's process, as the passphrase screen gives it
    (tests/tui/test_passphrase.py takes it away to see the screen)."""
    give_passphrase(os.environ[PASSPHRASE_ENV])
    yield
    forget_passphrase()


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    for name in FOLDERS:
        (root / name).mkdir(parents=True)
    shutil.copyfile(BARNET, root / "playbooks" / BARNET.name)
    (root / "playbooks" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (root / "ops" / "barnet-2023").mkdir()
    (root / "ops" / "barnet-2023" / "plan.json").write_text("{}\n", encoding="utf-8")
    return Workspace(root)


@pytest.fixture
def app(ws: Workspace) -> FieldkitApp:
    return make_app(ws)


@pytest.fixture
def device_ws(ws: Workspace, tmp_path: Path) -> Workspace:
    """The test workspace enrolled as team alpha's device, with a fixed device id."""
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", ws.root, device_id="alpha-0001")
    return ws


@pytest.fixture
def device(device_ws: Workspace) -> Iterator[Device]:
    with Device.open(device_ws.root) as dev:
        yield dev
