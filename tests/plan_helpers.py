"""Helpers for the planner's tests: run the CLI, make playbook variants."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import BARNET, ROOT


def run(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env=full_env,
    )


def barnet_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BARNET.read_text(encoding="utf-8"))
    return data


def write_playbook(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / "playbooks" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def small_barnet(drop: tuple[str, ...] = ("labour-checks",)) -> dict[str, Any]:
    """Barnet without some activities: solves to optimal in well under a second."""
    data = barnet_data()
    data["activities"] = [a for a in data["activities"] if a["id"] not in drop]
    return data
