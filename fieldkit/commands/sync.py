"""`fieldkit sync`: push this device's records to central and pull plan changes (HTTP or bundle)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fieldkit.commands.common import TranslatedCommand, console, err_console, with_workspace
from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


@click.command(
    "sync",
    cls=TranslatedCommand,
    help=_("Sync this device with central: over HTTP, or by carrying bundle files."),
)
@click.option(
    "--server",
    help=_("Central's address, e.g. https://10.0.0.2:8765 (default: the loadout's)."),
)
@click.option(
    "--export-bundle",
    "export",
    type=click.Path(path_type=Path, dir_okay=False),
    help=_("Write the records not yet acknowledged to a signed bundle file."),
)
@click.option(
    "--import-bundle",
    "answer",
    type=click.Path(path_type=Path, dir_okay=False),
    help=_("Apply central's answer bundle (acknowledgements, plan changes)."),
)
@click.option(
    "--cafile",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=_("Trust this certificate for HTTPS (default: the loadout's)."),
)
@click.option("--timeout", type=float, default=15.0, show_default=True, help=_("Seconds per call."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the outcome as JSON."))
@with_workspace
def sync_cmd(
    ws: Workspace,
    server: str | None,
    export: Path | None,
    answer: Path | None,
    cafile: Path | None,
    timeout: float,
    as_json: bool,
) -> None:
    if (
        sum(x is not None for x in (export, answer))
        + (server is not None and bool(export or answer))
        > 1
    ):
        raise UserError(_("give one of --server, --export-bundle, --import-bundle"))
    if export is not None:
        from fieldkit.sync.bundle import export_bundle

        manifest = export_bundle(ws.root, export)
        out = {"bundle": str(export), "records": manifest["count"], "id": manifest["bundle"]}
        if as_json:
            click.echo(json.dumps(out, indent=2))
        else:
            console.print(
                _(
                    "wrote {n} record(s) to {file}; carry it to central "
                    "(`fieldkit central import-bundle`)"
                ).format(n=manifest["count"], file=export)
            )
        return
    if answer is not None:
        from fieldkit.sync.bundle import import_answer

        done = import_answer(ws.root, answer)
        if as_json:
            click.echo(json.dumps(done, indent=2))
        else:
            console.print(
                _("{n} record(s) newly acknowledged").format(n=done["acknowledged"])
                + (_("; plan updated") if done["plan_changed"] else "")
            )
        return
    _sync_http(ws, server, cafile, timeout, as_json)


def _sync_http(
    ws: Workspace, server: str | None, cafile: Path | None, timeout: float, as_json: bool
) -> None:
    from rich.progress import Progress

    from fieldkit.sync.client import sync_now

    with Progress(console=err_console, transient=True, disable=as_json) as bar:
        task = bar.add_task("sync", total=None)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total or 1)

        report = sync_now(ws.root, server, progress, cafile=cafile, timeout=timeout)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    counts = report.counts
    waiting = counts.get("pending", 0) + counts.get("sent", 0)
    console.print(
        _(
            "sent {sent}, acknowledged {acknowledged} ({new} new on central); "
            "{held} acknowledged, {waiting} waiting"
        ).format(
            sent=report.sent,
            acknowledged=report.acknowledged,
            new=report.new_on_central,
            held=counts.get("acknowledged", 0),
            waiting=waiting,
        )
        + (_("; plan updated") if report.plan_changed else "")
    )
    for r in report.rejected:
        console.print(
            _("refused by central: {id}: {kind}: {detail}").format(
                id=r["id"], kind=r["kind"], detail=r["detail"]
            )
        )


COMMANDS = [sync_cmd]
