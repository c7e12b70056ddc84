"""Playbooks for the planner's tests: the Barnet playbook as data, smaller variants, written out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.support.paths import BARNET


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
