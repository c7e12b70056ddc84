"""`fieldkit playbook check|schema`: validate playbooks and print their JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fieldkit.commands.common import console


@click.group("playbook")
def playbook() -> None:
    """Check playbooks and print the playbook JSON Schema."""


@playbook.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Check FILE...: exit 0 when all are valid; else every problem as FILE:LINE:COL: message."""
    from fieldkit.playbook import check_playbook  # pydantic: loaded when first needed

    bad = 0
    for file in files:
        problems = check_playbook(file)
        if problems:
            bad += 1
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            console.print(f"{file}: ok")
    if bad:
        click.echo(f"{bad} of {len(files)} playbook(s) have problems", err=True)
        sys.exit(2)


@playbook.command("schema")
def schema() -> None:
    """Print the playbook JSON Schema (playbooks/playbook.schema.json is the same)."""
    from fieldkit.playbook import schema_json

    click.echo(schema_json(), nl=False)


COMMANDS = [playbook]
