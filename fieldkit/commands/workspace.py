"""`fieldkit init`: make a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from fieldkit.commands.common import console
from fieldkit.workspace import init_workspace


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path), default=".")
def init(directory: Path) -> None:
    """Make a workspace in DIRECTORY (default: here): playbooks/, ops/, maps/, sync/."""
    ws, created = init_workspace(directory)
    for path in created:
        console.print(f"created {path}")
    console.print(f"workspace ready: {ws.root}" if created else f"already a workspace: {ws.root}")


COMMANDS = [init]
