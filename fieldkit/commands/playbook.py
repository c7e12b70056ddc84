"""`fieldkit playbook check|schema`: validate playbooks and print their JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fieldkit.commands.common import TranslatedGroup, console
from fieldkit.i18n import _, ngettext


@click.group(
    "playbook", cls=TranslatedGroup, help=_("Check playbooks and print the playbook JSON Schema.")
)
def playbook() -> None:
    pass


@playbook.command(
    "check",
    help=_(
        "Check FILE...: exit 0 when all are valid; else every problem as FILE:LINE:COL: message."
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    from fieldkit.playbook import check_playbook  # pydantic: loaded when first needed

    bad = 0
    for file in files:
        problems = check_playbook(file)
        if problems:
            bad += 1
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            console.print(_("{file}: ok").format(file=file))
    if bad:
        said = ngettext(
            "{bad} of {total} playbook(s) have problems",
            "{bad} of {total} playbook(s) have problems",
            len(files),
        )
        click.echo(said.format(bad=bad, total=len(files)), err=True)
        sys.exit(2)


@playbook.command(
    "schema", help=_("Print the playbook JSON Schema (playbooks/playbook.schema.json is the same).")
)
def schema() -> None:
    from fieldkit.playbook import schema_json

    click.echo(schema_json(), nl=False)


COMMANDS = [playbook]
