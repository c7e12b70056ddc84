"""Map and report of a workspace's operation, end to end: what the CLI and the Review mode call."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.codes import load_codes
from fieldkit.maps.analysis import analyse
from fieldkit.maps.exports import partner_share, share_json, write_exports
from fieldkit.maps.report import build_summary
from fieldkit.maps.report_html import render_report
from fieldkit.maps.source import load_operation, operation_from, read_plan, resolve_operation
from fieldkit.workspace import Workspace

Progress = Callable[[str], None]

#: The steps of build_map_files, in order (the Review mode's progress bar counts them).
MAP_STEPS = ("reading plan and records", "analysing", "writing exports", "rendering map")


def _quiet(_step: str) -> None:
    pass


def _uncounted(_records: int) -> None:
    pass


def build_map_files(
    ws: Workspace,
    op: str | None,
    out: Path | None = None,
    tiles: str | None = None,
    points: bool = False,
    fdr: bool = False,
    progress: Progress = _quiet,
    counted: Callable[[int], None] = _uncounted,
    basemap: Path | None = None,
) -> list[Path]:
    """Write maps/OP/hotspots.html (or `out`) and the exports; returns [map, *exports].

    `counted` is told how many engagements were read (for the access log); `basemap` (an
    MBTiles or PMTiles file) gives the map streets with no network.
    """
    from fieldkit.maps.render import render_map

    name = resolve_operation(ws, op)
    progress(MAP_STEPS[0])
    data = load_operation(ws, name)
    counted(len(data.engagements))
    progress(MAP_STEPS[1])
    analysis = analyse(data.map_input, fdr=fdr)
    progress(MAP_STEPS[2])
    folder = ws.maps / name
    exports = write_exports(data, analysis, folder, _ilo())
    progress(MAP_STEPS[3])
    target = out if out is not None else folder / "hotspots.html"
    written = render_map(
        data.map_input, analysis, target, tiles=tiles, points=points, basemap=basemap
    )
    return [written, *exports]


def build_summary_for(
    ws: Workspace, op: str | None, fdr: bool = False, progress: Progress = _quiet
) -> dict[str, Any]:
    """The summary of OP (as summary.json holds it), without writing anything."""
    name = resolve_operation(ws, op)
    progress("reading plan and records")
    data = load_operation(ws, name)
    progress("analysing")
    return build_summary(data, analyse(data.map_input, fdr=fdr))


def build_report_files(
    ws: Workspace, op: str | None, fdr: bool = False, progress: Progress = _quiet
) -> tuple[dict[str, Any], list[Path]]:
    """Write maps/OP/report.html and summary.json; returns the summary and the two paths."""
    name = resolve_operation(ws, op)
    summary = build_summary_for(ws, name, fdr=fdr, progress=progress)
    progress("writing report")
    folder = ws.maps / name
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.html"
    report.write_text(render_report(summary), encoding="utf-8")
    path = folder / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary, [report, path]


def _ilo() -> dict[str, str]:
    return {c.code: str(c.attrs.get("ilo") or "unmapped") for c in load_codes().indicators}


def report_for(folder: Path, central_db: Path) -> tuple[dict[str, Any], int]:
    """The summary of the operation planned in `folder` (ops/OP), and the engagements read."""
    data = operation_from(read_plan(folder / "plan.json"), central_db, folder=folder.name)
    return build_summary(data, analyse(data.map_input)), len(data.engagements)


def partner_share_for(folder: Path, central_db: Path) -> tuple[dict[str, Any], int]:
    """The partner share (partner-share.json) of the operation planned in `folder`."""
    data = operation_from(read_plan(folder / "plan.json"), central_db, folder=folder.name)
    return share_json(data, partner_share(data, _ilo())), len(data.engagements)
