"""`fieldkit map [OP]` (hotspots.html and exports) and `fieldkit report [OP]` (report, summary)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fieldkit.commands.common import (
    TranslatedCommand,
    console,
    err_console,
    log_local_read,
    purpose_option,
    with_workspace,
)
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


@click.command(
    "map",
    cls=TranslatedCommand,
    help=_(
        "Write the offline hotspot map of OP to maps/OP/hotspots.html, with its exports.\n"
        "\n"
        "Exports beside it in maps/OP/: cells.geojson, venues.geojson, engagements.csv "
        "(no notes),\n"
        "partner-share.csv and partner-share.json (every count under 5 suppressed)."
    ),
)
@click.argument("op", required=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=_("The map file (default: maps/OP/hotspots.html)."),
)
@click.option(
    "--tiles",
    default=None,
    help=_(
        "ONLINE: a base map from a tile server (osm = OpenStreetMap); the map then loads "
        "images from that server alone and needs the internet. Off by default."
    ),
)
@click.option(
    "--basemap",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=_(
        "OFFLINE: a base map from an MBTiles or PMTiles file of raster tiles (a force's own "
        "tile export); the tiles over the operation's area go with the map, so streets show "
        "with no network."
    ),
)
@click.option("--points", is_flag=True, help=_("Show individual engagement points too."))
@click.option(
    "--fdr", is_flag=True, help=_("Class Gi* cells with false-discovery-rate correction.")
)
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
    from fieldkit.maps.service import build_map_files
    from fieldkit.maps.source import resolve_operation

    if tiles and basemap:
        raise click.UsageError(_("choose --tiles (online) or --basemap (offline), not both"))
    name = resolve_operation(ws, op)
    read: list[int] = []
    paths = build_map_files(
        ws, name, out=out, tiles=tiles, points=points, fdr=fdr, progress=_say,
        counted=read.append, basemap=basemap,
    )  # fmt: skip
    log_local_read(ws, "map", name, sum(read), purpose)
    console.print(_("map: {path}").format(path=paths[0]))
    console.print(
        _("exports: {files} in {folder}").format(
            files=", ".join(p.name for p in paths[1:]), folder=paths[1].parent
        )
    )


@click.command(
    "report",
    cls=TranslatedCommand,
    help=_("Write maps/OP/report.html and maps/OP/summary.json: the operation's summary."),
)
@click.argument("op", required=False)
@click.option("--json", "as_json", is_flag=True, help=_("Print summary.json (docs/report.md)."))
@click.option(
    "--fdr", is_flag=True, help=_("Class Gi* cells with false-discovery-rate correction.")
)
@purpose_option
@with_workspace
def report_cmd(
    ws: Workspace, op: str | None, as_json: bool, fdr: bool, purpose: str | None
) -> None:
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
        console.print(_("no engagements recorded for this operation yet"))
    console.print(
        _(
            "{engagements} engagement(s), {people} people, {referrals} referral(s); "
            "{done} of {planned} planned visits done"
        ).format(
            engagements=t["engagements"],
            people=t["people"],
            referrals=t["referrals"],
            done=cov["done"],
            planned=cov["planned"],
        )
    )
    console.print(
        _("report: {report}\nsummary: {summary}").format(report=paths[0], summary=paths[1])
    )


def _say(step: str) -> None:
    err_console.print(step, style="dim")


COMMANDS = [map_cmd, report_cmd]
