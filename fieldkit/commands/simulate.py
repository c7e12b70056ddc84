"""`fieldkit simulate OP`: device stores filled with plausible engagements following the plan."""

from __future__ import annotations

import time

import click

from fieldkit.commands.common import TranslatedCommand, console, with_workspace
from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


@click.command(
    "simulate",
    cls=TranslatedCommand,
    help=_(
        "Enrol simulated devices into ops/OP/devices/ and fill them with engagements.\n"
        "\n"
        "Reads ops/OP/loadouts/*.json; writes ops/OP/devices/DEVICE_ID/ (device workspaces) and\n"
        "ops/OP/devices/simulation.json (the devices and the planted clusters of signs)."
    ),
)
@click.argument("op")
@click.option(
    "--devices",
    type=click.IntRange(1, 500),
    default=4,
    show_default=True,
    help=_("How many devices to enrol (teams round-robin)."),
)
@click.option(
    "--engagements",
    type=click.IntRange(0, 1_000_000),
    default=50,
    show_default=True,
    help=_("Engagements per device."),
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help=_("The same seed, the same data.")
)
@click.option("--replace", is_flag=True, help=_("Remove earlier simulated devices of OP first."))
@with_workspace
def simulate_cmd(
    ws: Workspace, op: str, devices: int, engagements: int, seed: int, replace: bool
) -> None:
    from fieldkit.field.simulate import simulate

    folder = ws.ops / op
    if not folder.is_dir():
        known = ", ".join(p.name for p in ws.ops.iterdir() if p.is_dir()) if ws.ops.is_dir() else ""
        raise UserError(
            _("no operation {op} in {ops} (found: {known})").format(
                op=repr(op), ops=ws.ops, known=known or _("none")
            )
        )
    started = time.perf_counter()
    manifest = simulate(folder, devices, engagements, seed, replace=replace)
    took = time.perf_counter() - started
    total = devices * engagements
    console.print(
        _(
            "simulated {total} engagement(s) on {devices} device(s) in {took} s into {folder}"
        ).format(total=total, devices=devices, took=f"{took:.1f}", folder=folder / "devices")
    )
    for c in manifest["planted"]:
        console.print(
            _("planted cluster: {venue} ({signs})").format(
                venue=c["venue"], signs=", ".join(c["indicators"])
            )
        )


COMMANDS = [simulate_cmd]
