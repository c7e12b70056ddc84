"""`fieldkit device enroll|info`: make a device workspace from a team's loadout, and show it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fieldkit.commands.common import console, with_workspace
from fieldkit.workspace import Workspace


@click.group("device")
def device() -> None:
    """Enrol a field device from its team's loadout, and show what it holds."""


@device.command("enroll")
@click.argument("loadout", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--workspace",
    "-w",
    "target",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="The folder to make the device workspace in.",
)
@click.option(
    "--officer",
    default=None,
    help="Roster id of the officer who carries the device (default: the team's first member).",
)
@click.option("--json", "as_json", is_flag=True, help="Print device.json.")
def enroll_cmd(loadout: Path, target: Path, officer: str | None, as_json: bool) -> None:
    """Make a device workspace from LOADOUT (ops/OP/loadouts/TEAM.json).

    Writes DIR/device/: device.json, the key pair (device.key, mode 0600; device.pub),
    loadout.json and the empty store (store.db).
    """
    from fieldkit.field.enroll import enroll

    info = enroll(loadout, target, officer=officer)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    console.print(
        f"enrolled device {info['device_id']}: team {info['team']} of "
        f"{info['operation']}, officer {info['officer']}"
    )
    console.print(f"device workspace: {target.resolve()}")


@device.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@with_workspace
def info_cmd(ws: Workspace, as_json: bool) -> None:
    """Show this device: id, team, officer, records and their sync state."""
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        data = {
            **{
                k: dev.info[k]
                for k in ("device_id", "operation", "team", "officer", "public_key", "enrolled_at")
            },
            "records": dev.store.count(),
            "sync": dev.sync_counts(),
            "assignments": len(dev.loadout.assignments),
        }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        if key == "sync":
            value = ", ".join(f"{n} {state}" for state, n in value.items())
        console.print(f"{key:12} {value}")


COMMANDS = [device]
