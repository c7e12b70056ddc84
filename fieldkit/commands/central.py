"""`fieldkit central ...`: the central store, its HTTP server, device credentials and bundles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from fieldkit.commands.central_access import audit_cmd, users
from fieldkit.commands.common import (
    TranslatedGroup,
    console,
    purpose_option,
    record_local_read,
    with_workspace,
)
from fieldkit.errors import UserError
from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace


@click.group(
    "central",
    cls=TranslatedGroup,
    help=_("Run central: the store every device syncs to (sync/central.db)."),
)
def central() -> None:
    pass


def _open(ws: Workspace, create: bool = False, keyfile: Path | None = None) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync), create=create, keyfile=keyfile)


@central.command(
    "init",
    help=_(
        "Create sync/central.db (encrypted) and its keys, and publish the team loadouts of ops/."
    ),
)
@click.option(
    "--store-keyfile",
    type=click.Path(path_type=Path, dir_okay=False),
    help=_(
        "A key file (readable by you only; made when missing) that unlocks central.db, "
        "instead of FIELDKIT_CENTRAL_PASSPHRASE. Keep it off the machine's backups of sync/."
    ),
)
@with_workspace
def init_cmd(ws: Workspace, store_keyfile: Path | None) -> None:
    from fieldkit.central.plans import publish

    with _open(ws, create=True, keyfile=store_keyfile) as store:
        added = publish(store, ws.ops)
        store.signing_key()
        store.sealing_key()
        console.print(
            _("central store ready: {path} ({n} new plan version(s))").format(
                path=store.path, n=added
            )
        )


@central.command("serve", help=_("Serve the sync API (HTTPS when given --certfile and --keyfile)."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--certfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--keyfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@with_workspace
def serve_cmd(
    ws: Workspace, host: str, port: int, certfile: Path | None, keyfile: Path | None
) -> None:
    from fieldkit.central.listen import listening_socket
    from fieldkit.central.read_api import Readers
    from fieldkit.central.server import serve
    from fieldkit.central.store import central_path
    from fieldkit.maps.service import partner_share_for, report_for

    if (certfile is None) != (keyfile is None):
        raise UserError(_("give both --certfile and --keyfile for HTTPS, or neither"))
    path = central_path(ws.sync)
    if not path.exists():
        raise UserError(
            _("no central store at {path}: run `fieldkit central init` first").format(path=path)
        )
    store = _open(ws)  # a store it cannot open (locked, wrong key) stops it here, in one line
    sock = listening_socket(host, port)
    scheme = "https" if certfile else "http"
    where = f"[{host}]" if ":" in host else host
    console.print(
        _("central serving {path} on {address} (API docs at /docs)").format(
            path=path, address=f"{scheme}://{where}:{port}"
        )
    )
    serve(store, ws.ops, sock, certfile, keyfile, Readers(report_for, partner_share_for))


@central.command(
    "enroll-device",
    help=_(
        "Issue a device credential into ops/OP/credentials/ (its secret shown once, kept hashed).\n"
        "\n"
        "The file is readable by you only; carry it to the device with the team's loadout."
    ),
)
@click.option("--team", required=True, help=_("Team id, as in ops/OP/loadouts/TEAM.json."))
@click.option("--officer", required=True, help=_("Roster id of the officer carrying it."))
@click.option("--op", "operation", default=None, help=_("Operation (default: the only one)."))
@click.option("--url", default=None, help=_("Central's address as devices will reach it."))
@click.option(
    "--certfile",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=_("Central's self-signed certificate, for devices to trust."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the credential as JSON."))
@with_workspace
def enroll_cmd(
    ws: Workspace,
    team: str,
    officer: str,
    operation: str | None,
    url: str | None,
    certfile: Path | None,
    as_json: bool,
) -> None:
    from fieldkit.central.enrolment import enroll_device

    issued = enroll_device(ws, team, officer, operation, url, certfile)
    if as_json:
        click.echo(json.dumps(issued, indent=2))
        return
    loadout, credential = _shown(issued["loadout"]), _shown(issued["credential_file"])
    click.echo(
        _("device {device} enrolled for team {team} of {operation} (officer {officer})").format(
            device=issued["device_id"], team=team, operation=issued["operation"], officer=officer
        )
    )
    click.echo(
        _("credential (shown once, central keeps only a hash): {credential}").format(
            credential=issued["credential"]
        )
    )
    click.echo(
        _(
            "written to {file} (readable by you only). Enrol the device with it:\n"
            "  fieldkit device enroll {loadout} --credential {file}\n"
            "or give it to a device enrolled already:\n"
            "  fieldkit device credential {file}"
        ).format(file=credential, loadout=loadout)
    )


STATUS_TITLES = (
    N_("device"),
    N_("team"),
    N_("officer"),
    N_("status"),
    N_("last seen"),
    N_("records"),
    N_("unbroken"),
)
"""The columns of `central status`'s table of devices."""


def _shown(path: str) -> str:
    """A path relative to the current folder when it is under it (shorter to copy)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


@central.command(
    "revoke", help=_("Revoke a device: its credential is refused from now on (its records stay).")
)
@click.argument("device")
@with_workspace
def revoke_cmd(ws: Workspace, device: str) -> None:
    with _open(ws) as store:
        store.revoke(device)
    console.print(_("device {device} revoked").format(device=device))


@central.command(
    "status",
    help=_("Devices (last seen, records, unbroken chain), records, open problems, conflicts."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@with_workspace
def status_cmd(ws: Workspace, as_json: bool) -> None:
    from fieldkit.central.store import central_status

    status = central_status(ws.sync)
    if status is None:
        _open(ws).close()  # no central store: this says so clearly
        return
    problems = status["open_problems"]
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    from rich.table import Table

    table = Table(*(_(title) for title in STATUS_TITLES))
    for d in status["devices"]:
        table.add_row(
            d["device"] or _("({id}, not yet synced)").format(id=d["id"]),
            d["team"],
            d["officer"],
            d["status"],
            d["last_seen"] or _("never"),
            str(d["records"]),
            str(d["unbroken"]),
        )
    console.print(table)
    console.print(
        _(
            "{records} record(s); {open} open problem(s), {resolved} resolved; "
            "{conflicts} conflict(s)"
        ).format(
            records=status["records"],
            open=status["problems"]["open"],
            resolved=status["problems"]["resolved"],
            conflicts=status["conflicts"],
        )
    )
    for p in problems:
        console.print(
            _("problem: {device}: {kind}: {detail}").format(
                device=p["device"], kind=p["kind"], detail=p["detail"]
            )
        )


@central.command(
    "conflicts", help=_("Records amended by two devices: both amendments are kept, for review.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@purpose_option
@with_workspace
def conflicts_cmd(ws: Workspace, as_json: bool, purpose: str | None) -> None:
    with _open(ws) as store:
        found = store.conflicts()
        record_local_read(store, "conflicts", None, len(found), purpose)
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    if not found:
        console.print(_("no conflicts"))
    for c in found:
        console.print(
            _(
                "record {amends} amended by {device_a} ({record_a}) and by {device_b} ({record_b})"
            ).format(
                **{k: c[k] for k in ("amends", "device_a", "record_a", "device_b", "record_b")}
            )
        )


@central.command(
    "import-bundle",
    help=_("Ingest a device's bundle and write the answer bundle to carry back to it."),
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--answer",
    type=click.Path(path_type=Path, dir_okay=False),
    help=_("Where to write the answer bundle (default: FILE.answer.json beside it)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the outcome as JSON."))
@with_workspace
def import_cmd(ws: Workspace, file: Path, answer: Path | None, as_json: bool) -> None:
    from fieldkit.central.bundle import receive_bundle

    done = receive_bundle(ws, file, answer)
    if as_json:
        click.echo(json.dumps(done.to_dict(), indent=2))
        return
    console.print(
        _("bundle of {device}: {new} new record(s), {held} already held, {refused} refused").format(
            device=done.device, new=done.new, held=done.duplicates, refused=len(done.rejected)
        )
        + (_(" (this bundle was imported before)") if done.seen_before else "")
    )
    console.print(_("answer bundle for the device: {file}").format(file=done.answer))


central.add_command(users)
central.add_command(audit_cmd)

COMMANDS = [central]
