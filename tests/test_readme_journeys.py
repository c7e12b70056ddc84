"""Every command of the README's code blocks runs as written, in order, from a fresh clone:
the three journeys (patrol lead, officer, commander), HTTPS and the ad-hoc query.

The commands are read from README.md itself (tests/support/readme.py), never copied here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from tests.support.paths import ROOT
from tests.support.readme import commands

README = ROOT / "README.md"
JOURNEYS = "Three journeys"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def fresh_clone(root: Path) -> Path:
    """The workspace part of a fresh clone: the playbooks and the generated folders' READMEs."""
    shutil.copytree(ROOT / "playbooks", root / "playbooks")
    for folder in ("ops", "sync", "maps"):
        (root / folder).mkdir()
        shutil.copyfile(ROOT / folder / "README.md", root / folder / "README.md")
    return root


def shims(folder: Path) -> Path:
    """`fieldkit`, `python` and `sqlite-utils` as a user's PATH has them, run by this Python
    with this repository's code."""
    folder.mkdir()
    for name, module in (("fieldkit", "-m fieldkit"), ("python", ""),
                         ("sqlite-utils", "-m sqlite_utils")):  # fmt: skip
        path = folder / name
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" {module} "$@"\n', encoding="utf-8")
        path.chmod(0o755)
    return folder


def isolated_network() -> list[str]:
    """`unshare -rn` when this machine allows it: the journey gets its own loopback, so the
    README's port 8765 is free and nothing can reach the network."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30)
    return ["unshare", "-rn"] if probe.returncode == 0 else []


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def describe(step: dict[str, Any]) -> str:
    return (
        f"README.md:{step['line']} ({step['section']}, block {step['block']}): "
        f"{step['command']}\n  -> {step['detail']}\n{step['output']}"
    )


@pytest.mark.timeout(1500)
def test_every_readme_command_runs_as_written(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    listed = commands(README.read_text(encoding="utf-8"))
    in_journeys = [c for c in listed if c.section == JOURNEYS]
    assert len(in_journeys) >= 20 and {c.kind for c in in_journeys} >= {"app", "server", "cd"}
    assert {c.section for c in listed} >= {JOURNEYS, "Running central with HTTPS",
                                           "Ad-hoc questions"}  # fmt: skip
    ws, home = fresh_clone(tmp_path / "clone"), tmp_path / "home"
    home.mkdir()
    # tmux's socket path must stay short (a sun_path holds about 100 bytes): not under tmp_path
    tmux_dir = Path(tempfile.mkdtemp(prefix="fk-tmux-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(tmux_dir, ignore_errors=True))
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("FIELDKIT_", "TMUX", "COLUMNS", "LINES", "PYTHON"))}  # fmt: skip
    env = {
        **keep,
        "HOME": str(home),
        "PATH": f"{shims(tmp_path / 'bin')}{os.pathsep}{keep.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "TMUX_TMPDIR": str(tmux_dir),
        "TERM": "xterm-256color",
    }
    prefix = isolated_network()
    if not prefix and not port_free(8765):
        pytest.skip("port 8765 is in use here and this machine has no network namespaces")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.support.readme", str(README), str(ws), str(home),
         str(report)],
        cwd=ROOT, env={**env, "README_RUNNER_ENV": json.dumps(env)}, capture_output=True,
        text=True, timeout=1400,
    )  # fmt: skip
    assert report.exists(), f"the runner did not report:\n{done.stdout}\n{done.stderr}"
    steps: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    failed = [s for s in steps if not s["ok"]]
    assert not failed, "a README command failed:\n" + describe(failed[0])
    ran = [s["line"] for s in steps if s["kind"] != "stop"]
    assert ran == [c.number for c in listed]  # every line, in order
    assert done.returncode == 0, done.stderr

    # What the journeys did, seen from outside.
    credential = ws / "ops" / "barnet-2023" / "credentials" / "alpha-pc-hughes.json"
    assert stat.S_IMODE(credential.stat().st_mode) == 0o600
    with Device.open(home / "alpha-phone", "alpha-phone-pass") as dev:  # the README's
        assert dev.verify().ok
        # 3 engagements and 2 entries of the activity log
        assert dev.sync_counts() == {"pending": 0, "sent": 0, "acknowledged": 5}
        device_id = dev.id
    with Central(central_path(ws / "sync")) as store:
        assert store.record_count(device_id) == 5  # with the 2 activity entries
    for name in ("hotspots.html", "report.html", "summary.json", "engagements.csv"):
        assert (ws / "maps" / "barnet-2023" / name).is_file(), name
