"""`fieldkit map [OP]` (hotspots.html and exports) and `fieldkit report [OP]` (report, summary)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fieldkit.commands.common import (
    console,
    err_console,
    log_local_read,
    purpose_option,
    with_workspace,
)
from fieldkit.workspace import Workspace


@click.command("map")
@click.argument("op", required=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The map file (default: maps/OP/hotspots.html).",
)
@click.option(
    "--tiles",
    default=None,
    help="ONLINE: a base map from a tile server (osm = OpenStreetMap); the map then loads "
    "images from that server alone and needs the internet. Off by default.",
)
@click.option(
    "--basemap",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="OFFLINE: a base map from an MBTiles or PMTiles file of raster tiles (a force's own "
    "tile export); the tiles over the operation's area go with the map, so streets show with "
    "no network.",
)
@click.option("--points", is_flag=True, help="Show individual engagement points too.")
@click.option("--fdr", is_flag=True, help="Class Gi* cells with false-discovery-rate correction.")
@purpose_option
@with_workspace
def map_cmd(
    ws: Workspace,
    op: str | None,
    out: Path | None,
    tiles: str | None,
    basemap: Path | None,
    points: bool,
    fdr: bool,
    purpose: str | None,
) -> None:
    """Write the offline hotspot map of OP to maps/OP/hotspots.html, with its exports.

    Exports beside it in maps/OP/: cells.geojson, venues.geojson, engagements.csv (no notes),
    partner-share.csv and partner-share.json (every count under 5 suppressed).
    """
    from fieldkit.maps.service import build_map_files
    from fieldkit.maps.source import resolve_operation

    if tiles and basemap:
        raise click.UsageError("choose --tiles (online) or --basemap (offline), not both")
    name = resolve_operation(ws, op)
    read: list[int] = []
    paths = build_map_files(
        ws, name, out=out, tiles=tiles, points=points, fdr=fdr, progress=_say,
        counted=read.append, basemap=basemap,
    )  # fmt: skip
    log_local_read(ws, "map", name, sum(read), purpose)
    console.print(f"map: {paths[0]}")
    console.print(f"exports: {', '.join(p.name for p in paths[1:])} in {paths[1].parent}")


@click.command("report")
@click.argument("op", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print summary.json (docs/report.md).")
@click.option("--fdr", is_flag=True, help="Class Gi* cells with false-discovery-rate correction.")
@purpose_option
@with_workspace
def report_cmd(
    ws: Workspace, op: str | None, as_json: bool, fdr: bool, purpose: str | None
) -> None:
    """Write maps/OP/report.html and maps/OP/summary.json: the operation's summary."""
    from fieldkit.maps.service import build_report_files
    from fieldkit.maps.source import resolve_operation

    name = resolve_operation(ws, op)
    summary, paths = build_report_files(ws, name, fdr=fdr, progress=_say)
    log_local_read(ws, "report", name, summary["totals"]["engagements"], purpose)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    t, cov = summary["totals"], summary["coverage"]
    if summary["empty"]:
        console.print("no engagements recorded for this operation yet")
    console.print(
        f"{t['engagements']} engagement(s), {t['people']} people, {t['referrals']} referral(s); "
        f"{cov['done']} of {cov['planned']} planned visits done"
    )
    console.print(f"report: {paths[0]}\nsummary: {paths[1]}")


def _say(step: str) -> None:
    err_console.print(step, style="dim")


COMMANDS = [map_cmd, report_cmd]
