"""What the demo did: its fleet of devices, the figures of each step, and demo.json."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.demo.workspace import OPERATION
from fieldkit.field.unlock import DEMO_PASSPHRASE
from fieldkit.workspace import Workspace

DEMO_FORMAT = "fieldkit-demo/1"


@dataclass
class DemoDevice:
    """One device of the demo's fleet and what happened to it."""

    id: str
    team: str
    officer: str
    root: Path
    records: int = 0
    via: str = ""
    acknowledged: int = 0
    chain_ok: bool = False
    breaks: list[str] = field(default_factory=list)


@dataclass
class DemoResult:
    """What the demo did: the summary table and demo.json are made from it."""

    workspace: Path
    seed: int
    plan: dict[str, Any] = field(default_factory=dict)
    devices: list[DemoDevice] = field(default_factory=list)
    server: str = ""
    central_records: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)
    hot_cells: dict[str, int] = field(default_factory=dict)
    #: The people met one to one, from the report's summary (see people_figures).
    people: dict[str, Any] = field(default_factory=dict)
    #: The follow-up statuses entered at central after the operation (followups_step.py).
    follow_up_events: int = 0
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rel = Workspace(self.workspace).shown
        return {
            "format": DEMO_FORMAT,
            "workspace": str(self.workspace),
            "operation": OPERATION,
            "seed": self.seed,
            "plan": self.plan,
            "devices": [_device_dict(d, rel(d.root)) for d in self.devices],
            "device_passphrase": DEMO_PASSPHRASE,
            "synced": dict(Counter(d.via for d in self.devices)),
            "server": self.server,
            "central_records": self.central_records,
            "problems": self.problems,
            "coverage": self.coverage,
            "hot_cells": self.hot_cells,
            "people": self.people,
            "follow_up_events": self.follow_up_events,
            "paths": {k: rel(p) for k, p in self.paths.items()},
            "seconds": round(self.seconds, 1),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def _device_dict(d: DemoDevice, folder: str) -> dict[str, Any]:
    return {
        "id": d.id,
        "team": d.team,
        "officer": d.officer,
        "folder": folder,
        "records": d.records,
        "synced_by": d.via,
        "acknowledged": d.acknowledged,
        "chain_ok": d.chain_ok,
    }


def people_figures(persons: dict[str, Any]) -> dict[str, Any]:
    """The report's people met one to one in brief: totals, children, referrals, follow-ups."""
    return {
        "met_one_to_one": persons["total"],
        "with_signs": persons["with_signs"],
        "children": persons["children"]["total"],
        "referred": persons["referrals"],
        "follow_ups": {r["code"]: r["people"] for r in persons["follow_ups"]["by_status"]},
    }


def output_paths(ws: Workspace) -> dict[str, Path]:
    """The files the demo points its reader to (the summary table lists them)."""
    op_folder, maps = ws.ops / OPERATION, ws.maps / OPERATION
    return {
        "plan": op_folder / "plan.json",
        "briefing": op_folder / "briefing.md",
        "map": maps / "hotspots.html",
        "report": maps / "report.html",
        "summary": maps / "summary.json",
        "demo": maps / "demo.json",
    }


def write_summary(result: DemoResult) -> Path:
    """maps/OP/demo.json: the same facts as the summary table, for scripts."""
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    target = result.paths["demo"]
    target.write_text(text, encoding="utf-8")
    return target
