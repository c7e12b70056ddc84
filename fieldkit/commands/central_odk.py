"""`fieldkit central import-odk PATH` and `central pull-odk`: phone submissions into central."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from fieldkit.commands.central import central
from fieldkit.commands.common import with_workspace
from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


def _open(ws: Workspace) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync))


def _show(result: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(
            _(
                "ODK: {new} new record(s) ({amendments} amendment(s)), {held} already held, "
                "{refused} refused, {flagged} referral rule(s) flagged"
            ).format(
                new=result.new,
                amendments=result.amendments,
                held=result.held,
                refused=len(result.refused),
                flagged=result.flagged,
            )
        )
    for reason in result.refused:  # on stderr with --json too: the JSON lists them as well
        click.echo(_("refused: {reason}").format(reason=reason), err=True)
    if result.refused:
        raise SystemExit(2)


@central.command(
    "import-odk",
    help=_(
        "Import ODK submissions: instance XML files, a folder of them (Collect's instances/ or a\n"
        "Briefcase export, with their media), or ODK Central's CSV / ZIP export."
    ),
)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Print the outcome as JSON."))
@with_workspace
def import_odk_cmd(ws: Workspace, path: Path, as_json: bool) -> None:
    from fieldkit.central.odk_files import read_path
    from fieldkit.central.odk_ingest import import_submissions

    subs, bad = read_path(path)
    with _open(ws) as store:
        result = import_submissions(store, subs, str(path.resolve()))
    result.refused[:0] = bad
    _show(result, as_json)


@central.command(
    "pull-odk",
    help=_(
        "Fetch the new submissions of a form from ODK Central (pyodk) and import them.\n"
        "\n"
        "The account comes from FIELDKIT_ODK_USER and FIELDKIT_ODK_PASSWORD."
    ),
)
@click.option("--url", required=True, help=_("ODK Central's address, e.g. https://odk.example.org"))
@click.option("--project", type=int, required=True, help=_("The ODK Central project number."))
@click.option(
    "--form", "form", required=True, help=_("The form id: fieldkit-OP or fieldkit-OP-TEAM.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the outcome as JSON."))
@with_workspace
def pull_odk_cmd(ws: Workspace, url: str, project: int, form: str, as_json: bool) -> None:
    from fieldkit.central.odk_pull import OdkServer, pull

    if project < 1:
        raise UserError(_("--project is ODK Central's project number (1 or more)"))
    with _open(ws) as store:
        result = pull(store, OdkServer(url, project, form))
    _show(result, as_json)


COMMANDS: list[click.Command] = []
