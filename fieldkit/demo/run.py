"""`fieldkit demo`'s front door: plan, enrol, log, sync, verify, map and report, in order."""

from __future__ import annotations

import time
from pathlib import Path

from fieldkit.demo.central_process import CentralProcess
from fieldkit.demo.devices import enrol_devices
from fieldkit.demo.followups_step import follow_up_referrals
from fieldkit.demo.outputs import map_and_report
from fieldkit.demo.plan_step import plan_week
from fieldkit.demo.progress import QuietProgress, StepProgress
from fieldkit.demo.simulate import log_week
from fieldkit.demo.summary import DemoResult, output_paths, write_summary
from fieldkit.demo.sync_step import sync_devices
from fieldkit.demo.verify import verify_fleet
from fieldkit.demo.workspace import prepare_workspace
from fieldkit.field.unlock import DEMO_PASSPHRASE, forget_passphrase, give_passphrase


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
    """Plan, enrol, log, sync (HTTP and bundle), follow the referrals up, verify, map and
    report; returns what it did. Its devices are locked with DEMO_PASSPHRASE, which every
    step of this process opens them with: the demo never asks for a passphrase."""
    give_passphrase(DEMO_PASSPHRASE)
    try:
        return _run(root, devices, seed, progress)
    finally:
        forget_passphrase()


def _run(root: Path, devices: int, seed: int, progress: StepProgress | None) -> DemoResult:
    show = progress or QuietProgress()
    started = mark = time.perf_counter()
    ws = prepare_workspace(root)
    result = DemoResult(ws.root, seed)

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        result.timings[name], mark = now - mark, now

    plan_week(ws, seed, result, show)
    lap("plan")
    enrol_devices(ws, devices, result, show)
    lap("enrol")
    log_week(ws, seed, result, show)
    lap("simulate")
    show.step("serve", note="starting")
    with CentralProcess(ws, ws.sync / "demo-central.log") as server:
        result.server = server.url
        show.done("serve", server.url)
        lap("serve")
        sync_devices(ws, server.url, result, show)
        lap("sync")
    lap("stop")
    follow_up_referrals(ws, seed, result, show)
    lap("follow_ups")
    verify_fleet(ws, result, show)
    lap("verify")
    map_and_report(ws, result, show)
    lap("map_and_report")
    result.paths = output_paths(ws)
    result.seconds = time.perf_counter() - started
    write_summary(result)
    return result
