"""One run of `fieldkit demo` shared by every test module that imports the `demo_run` fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

OPERATION = "barnet-2023"
#: Far above the demo's usual 15-20 s: only a hang trips it.
DEMO_TIMEOUT = 300


@dataclass(frozen=True)
class DemoRun:
    """A finished demo: its workspace, exit code, output and demo.json."""

    workspace: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def op(self) -> Path:
        return self.workspace / "ops" / OPERATION

    @property
    def maps(self) -> Path:
        return self.workspace / "maps" / OPERATION

    @property
    def demo(self) -> dict[str, Any]:
        return dict(json.loads((self.maps / "demo.json").read_text(encoding="utf-8")))

    @property
    def summary(self) -> dict[str, Any]:
        return dict(json.loads((self.maps / "summary.json").read_text(encoding="utf-8")))

    def device_roots(self) -> list[Path]:
        return sorted(p.parent.parent for p in self.op.glob("devices/*/device/device.json"))


def run_demo(workspace: Path, *args: str) -> DemoRun:
    """`python -m fieldkit demo --workspace WORKSPACE ARGS...` through the entry point."""
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "fieldkit", "demo", "--workspace", str(workspace), *args],
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        env=env,
    )
    return DemoRun(workspace, done.returncode, done.stdout, done.stderr)


_SHARED: list[DemoRun] = []


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo with 4 devices and seed 1, run once per session whoever asks first.

    Tests must not change its workspace: copy a device folder before logging on it.
    """
    if not _SHARED:
        _SHARED.append(
            run_demo(tmp_path_factory.mktemp("demo") / "ws", "--devices", "4", "--seed", "1")
        )
    run = _SHARED[0]
    assert run.returncode == 0, f"demo failed:\n{run.stdout}\n{run.stderr}"
    return run
