"""A run of `fieldkit demo` through the entry point, and what it left: its workspace and output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.cli import fieldkit

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
    done = fieldkit(
        "demo", "--workspace", workspace, *args,
        env={"COLUMNS": "160", "NO_COLOR": "1"}, timeout=DEMO_TIMEOUT,
    )  # fmt: skip
    return DemoRun(workspace, done.returncode, done.stdout, done.stderr)
