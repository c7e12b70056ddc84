"""`fieldkit init`: make a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from fieldkit.commands.common import TranslatedCommand, console
from fieldkit.i18n import _
from fieldkit.workspace import init_workspace


@click.command(
    "init",
    cls=TranslatedCommand,
    help=_("Make a workspace in DIRECTORY (default: here): playbooks/, ops/, maps/, sync/."),
)
@click.argument("directory", type=click.Path(path_type=Path), default=".")
def init(directory: Path) -> None:
    ws, created = init_workspace(directory)
    for path in created:
        console.print(_("created {path}").format(path=path))
    console.print(
        _("workspace ready: {root}").format(root=ws.root)
        if created
        else _("already a workspace: {root}").format(root=ws.root)
    )


COMMANDS = [init]
