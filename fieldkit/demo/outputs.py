"""The demo's last steps: the hotspot map and the report, through the same front door as
`fieldkit map` and `fieldkit report`."""

from __future__ import annotations

from fieldkit.central.access_log import LOCAL_ROLE, record_access
from fieldkit.central.followups import os_user
from fieldkit.central.store import Central, central_path
from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoResult, people_figures
from fieldkit.demo.workspace import OPERATION
from fieldkit.maps.service import MAP_STEPS, build_map_files, build_report_files
from fieldkit.workspace import Workspace


def map_and_report(ws: Workspace, result: DemoResult, show: StepProgress) -> None:
    """maps/barnet-2023/: hotspots.html with its exports, report.html and summary.json."""
    steps = list(MAP_STEPS)

    def on_map(step: str) -> None:
        show.step("map", steps.index(step) if step in steps else 0, len(steps), step)

    read: list[int] = []
    build_map_files(ws, OPERATION, progress=on_map, counted=read.append)
    log_demo_read(ws, "map", sum(read))
    show.done("map", "maps/barnet-2023/hotspots.html")
    summary, _paths = build_report_files(
        ws, OPERATION, progress=lambda step: show.step("report", note=step)
    )
    log_demo_read(ws, "report", summary["totals"]["engagements"])
    cov = summary["coverage"]
    result.coverage = {"planned": cov["planned"], "done": cov["done"], "missed": cov["missed"]}
    cells: dict[str, int] = summary["analysis"].get("cells") or {}
    result.hot_cells = {k: v for k, v in cells.items() if k.startswith("hot")}
    result.people = people_figures(summary["persons"])
    show.done("report", f"{summary['totals']['engagements']} engagements summarised")


def log_demo_read(ws: Workspace, what: str, count: int) -> None:
    """The demo reads central as `fieldkit map` and `fieldkit report` do: logged alike."""
    with Central(central_path(ws.sync)) as store, store.lock:
        record_access(
            store.conn, who=os_user(), role=LOCAL_ROLE, what=what, operation=OPERATION,
            count=count, purpose="demo", via="cli",
        )  # fmt: skip
