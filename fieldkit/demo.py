"""`fieldkit demo`: the Barnet week of action replayed end to end in a fresh workspace."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fieldkit.demo_steps import (
    OPERATION,
    PLAYBOOK,
    CentralProcess,
    DemoDevice,
    DemoFailed,
    fill_device,
    prepare_workspace,
)
from fieldkit.workspace import Workspace

DEMO_FORMAT = "fieldkit-demo/1"
ENGAGEMENTS_PER_DEVICE = 80
#: Seconds CP-SAT may take; the Barnet plan is proved optimal well within it.
TIME_LIMIT = 30.0

STEPS: tuple[tuple[str, str], ...] = (
    ("plan", "Plan the week (CP-SAT)"),
    ("central", "Central store, one credential per device"),
    ("enrol", "Enrol the devices"),
    ("simulate", "Log the week's engagements"),
    ("serve", "Start central on a loopback port"),
    ("http", "Sync over HTTP"),
    ("bundle", "Sync by bundle (carried by hand)"),
    ("verify", "Verify chains and central"),
    ("map", "Hotspot map and exports"),
    ("report", "Report and summary"),
)


class StepProgress(Protocol):
    """Told as each step starts, moves on and ends (the command draws it with Rich)."""

    def step(self, name: str, done: int = 0, total: int | None = None, note: str = "") -> None: ...

    def done(self, name: str, note: str = "") -> None: ...


class QuietProgress:
    """Progress that shows nothing (for callers with no screen)."""

    def step(self, name: str, done: int = 0, total: int | None = None, note: str = "") -> None:
        pass

    def done(self, name: str, note: str = "") -> None:
        pass


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
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def rel(p: Path) -> str:
            return p.relative_to(self.workspace).as_posix()

        return {
            "format": DEMO_FORMAT,
            "workspace": str(self.workspace),
            "operation": OPERATION,
            "seed": self.seed,
            "plan": self.plan,
            "devices": [
                {
                    "id": d.id,
                    "team": d.team,
                    "officer": d.officer,
                    "folder": rel(d.root),
                    "records": d.records,
                    "synced_by": d.via,
                    "acknowledged": d.acknowledged,
                    "chain_ok": d.chain_ok,
                }
                for d in self.devices
            ],
            "synced": dict(Counter(d.via for d in self.devices)),
            "server": self.server,
            "central_records": self.central_records,
            "problems": self.problems,
            "coverage": self.coverage,
            "hot_cells": self.hot_cells,
            "paths": {k: rel(p) for k, p in self.paths.items()},
            "seconds": round(self.seconds, 1),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def default_folder(base: Path) -> Path:
    """A new folder named after the moment, e.g. ./fieldkit-demo-20261125-143000."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = base / f"fieldkit-demo-{stamp}"
    n = 1
    while folder.exists():
        n += 1
        folder = base / f"fieldkit-demo-{stamp}-{n}"
    return folder


def run_demo(
    root: Path, devices: int = 4, seed: int = 1, progress: StepProgress | None = None
) -> DemoResult:
    """Plan, enrol, log, sync (HTTP and bundle), verify, map and report; returns what it did."""
    show = progress or QuietProgress()
    started = mark = time.perf_counter()
    ws = prepare_workspace(root)
    result = DemoResult(ws.root, seed)
    op_folder = ws.ops / OPERATION

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        result.timings[name], mark = now - mark, now

    _plan(ws, seed, result, show)
    lap("plan")
    _enrol(ws, devices, result, show)
    lap("enrol")
    _simulate(ws, seed, result, show)
    lap("simulate")
    show.step("serve", note="starting")
    with CentralProcess(ws, ws.sync / "demo-central.log") as server:
        result.server = server.url
        show.done("serve", server.url)
        lap("serve")
        _sync(ws, server.url, result, show)
        lap("sync")
    lap("stop")
    _verify(ws, result, show)
    lap("verify")
    _outputs(ws, result, show)
    lap("map_and_report")
    result.paths = {
        "plan": op_folder / "plan.json",
        "briefing": op_folder / "briefing.md",
        "map": ws.maps / OPERATION / "hotspots.html",
        "report": ws.maps / OPERATION / "report.html",
        "summary": ws.maps / OPERATION / "summary.json",
        "demo": ws.maps / OPERATION / "demo.json",
    }
    result.seconds = time.perf_counter() - started
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    result.paths["demo"].write_text(text, encoding="utf-8")
    return result


def _plan(ws: Workspace, seed: int, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.plan.geocode import CACHE_NAME, geocode_playbook
    from fieldkit.plan.progress import SolveProgress
    from fieldkit.plan.solve import solve
    from fieldkit.plan.write import write_plan
    from fieldkit.playbook import load_playbook

    path = ws.playbooks / PLAYBOOK
    show.step("plan", note="reading the playbook")
    book = geocode_playbook(load_playbook(path), ws.ops / CACHE_NAME)

    def report(p: SolveProgress) -> None:
        show.step("plan", note=f"plan {p.solutions}: objective {p.objective:,.0f}")

    plan = solve(book, time_limit=TIME_LIMIT, seed=seed, progress=report)
    doc, _files = write_plan(plan, ws.ops / OPERATION, path, ws.root)
    s = doc["solver"]
    result.plan = {
        "visits": s["total_visits"],
        "assigned": s["covered_visits"],
        "unassigned": [u["visit"] for u in doc["unassigned"]],
        "status": s["status"],
        "teams": [t["id"] for t in doc["teams"]],
    }
    show.done("plan", f"{s['covered_visits']} of {s['total_visits']} visits ({s['status']})")


def _enrol(ws: Workspace, count: int, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.central.enrolment import enroll_device
    from fieldkit.central.plans import publish
    from fieldkit.central.store import Central, central_path
    from fieldkit.sync.device_credential import enroll_with_credential

    show.step("central", 0, count)
    with Central(central_path(ws.sync), create=True) as store:
        publish(store, ws.ops)
    teams: list[str] = result.plan["teams"]
    loadouts = ws.ops / OPERATION / "loadouts"
    for i in range(count):
        team = teams[i % len(teams)]
        data = json.loads((loadouts / f"{team}.json").read_text(encoding="utf-8"))
        members = [str(m["id"]) for m in data["team"]["members"]]
        officer = members[(i // len(teams)) % len(members)]
        # Each device gets its own credential (a file of its own in ops/OP/credentials/), and
        # is enrolled from the team's loadout with it, as a patrol lead would do.
        issued = enroll_device(ws, team, officer, OPERATION)
        show.step("central", i + 1, count, f"credential {issued['device_id']}")
        root = ws.ops / OPERATION / "devices" / issued["device_id"]
        info = enroll_with_credential(
            Path(issued["loadout"]), root, Path(issued["credential_file"])
        )
        result.devices.append(DemoDevice(info["device_id"], team, officer, root))
        show.step("enrol", i + 1, count, f"{info['device_id']} ({officer})")
    show.done("central", f"{count} credential(s) issued")
    show.done("enrol", f"{count} device(s), teams {', '.join(sorted(set(teams[:count])))}")


def _simulate(ws: Workspace, seed: int, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.field.loadout import read_loadout
    from fieldkit.field.simulate import planted_clusters

    first = sorted((ws.ops / OPERATION / "loadouts").glob("*.json"))[0]
    clusters = planted_clusters(read_loadout(first))
    total = len(result.devices) * ENGAGEMENTS_PER_DEVICE
    for i, device in enumerate(result.devices):
        device.records = fill_device(device, i, seed, ENGAGEMENTS_PER_DEVICE, clusters)
        show.step("simulate", (i + 1) * ENGAGEMENTS_PER_DEVICE, total, device.id)
    show.done("simulate", f"{total} engagements, {len(clusters)} planted clusters of signs")


def _sync(ws: Workspace, url: str, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.central.bundle import receive_bundle
    from fieldkit.sync.bundle import export_bundle, import_answer
    from fieldkit.sync.client import sync_now

    *online, carried = result.devices
    show.step("http", 0, len(online))
    for i, device in enumerate(online):
        report = sync_now(device.root, server=url)
        if report.rejected:
            raise DemoFailed(f"central refused records of {device.id}: {report.rejected[:3]}")
        device.via = "http"
        show.step("http", i + 1, len(online), f"{device.id}: {report.acknowledged} acknowledged")
    show.done("http", f"{len(online)} device(s) over {url}")
    bundles = ws.sync / "bundles"
    show.step("bundle", 0, 3, f"{carried.id}: exporting")
    bundle = bundles / f"{carried.id}.zip"
    export_bundle(carried.root, bundle)
    show.step("bundle", 1, 3, "importing on central")
    answer = bundles / f"{carried.id}.answer.json"
    ingested = receive_bundle(ws, bundle, answer)
    if ingested.rejected:
        raise DemoFailed(f"central refused records of {carried.id}: {ingested.rejected[:3]}")
    show.step("bundle", 2, 3, "answer back on the device")
    import_answer(carried.root, answer)
    carried.via = "bundle"
    show.done("bundle", f"{carried.id}: {ingested.new} record(s)")


def _verify(ws: Workspace, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.central.store import Central, central_path
    from fieldkit.field.device import Device

    count = len(result.devices)
    for i, device in enumerate(result.devices):
        with Device.open(device.root) as dev:
            chain = dev.verify()
            device.chain_ok = chain.ok
            device.breaks = [f"#{b.seq} {b.kind}: {b.detail}" for b in chain.breaks]
            device.acknowledged = dev.sync_counts()["acknowledged"]
        show.step("verify", i + 1, count, device.id)
    with Central(central_path(ws.sync)) as store:
        result.central_records = store.record_count()
        result.problems = store.problems(open_only=True)
    wrong = [f"{d.id}: {', '.join(d.breaks)}" for d in result.devices if not d.chain_ok]
    wrong += [
        f"{d.id}: {d.acknowledged} of {d.records} acknowledged"
        for d in result.devices
        if d.acknowledged != d.records
    ]
    expected = sum(d.records for d in result.devices)
    if result.central_records != expected:
        wrong.append(f"central holds {result.central_records} records, devices {expected}")
    wrong += [f"central: {p['device']}: {p['kind']}: {p['detail']}" for p in result.problems]
    if wrong:
        raise DemoFailed("the demo's checks failed:\n" + "\n".join(f"  {w}" for w in wrong))
    show.done("verify", f"{count} chain(s) intact, {expected} on central, no problems")


def _outputs(ws: Workspace, result: DemoResult, show: StepProgress) -> None:
    from fieldkit.maps.service import MAP_STEPS, build_map_files, build_report_files

    steps = list(MAP_STEPS)

    def on_map(step: str) -> None:
        show.step("map", steps.index(step) if step in steps else 0, len(steps), step)

    build_map_files(ws, OPERATION, progress=on_map)
    show.done("map", "maps/barnet-2023/hotspots.html")
    summary, _paths = build_report_files(
        ws, OPERATION, progress=lambda step: show.step("report", note=step)
    )
    cov = summary["coverage"]
    result.coverage = {"planned": cov["planned"], "done": cov["done"], "missed": cov["missed"]}
    cells: dict[str, int] = summary["analysis"].get("cells") or {}
    result.hot_cells = {k: v for k, v in cells.items() if k.startswith("hot")}
    show.done("report", f"{summary['totals']['engagements']} engagements summarised")
