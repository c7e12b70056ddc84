"""`fieldkit central ...`: the central store, its HTTP server, device credentials and bundles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from fieldkit.commands.central_access import audit_cmd, users
from fieldkit.commands.common import console, purpose_option, record_local_read, with_workspace
from fieldkit.errors import UserError
from fieldkit.workspace import Workspace


@click.group("central")
def central() -> None:
    """Run central: the store every device syncs to (sync/central.db)."""


def _open(ws: Workspace, create: bool = False, keyfile: Path | None = None) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync), create=create, keyfile=keyfile)


@central.command("init")
@click.option(
    "--store-keyfile",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A key file (readable by you only; made when missing) that unlocks central.db, "
    "instead of FIELDKIT_CENTRAL_PASSPHRASE. Keep it off the machine's backups of sync/.",
)
@with_workspace
def init_cmd(ws: Workspace, store_keyfile: Path | None) -> None:
    """Create sync/central.db (encrypted) and its keys, and publish the team loadouts of ops/."""
    from fieldkit.central.plans import publish

    with _open(ws, create=True, keyfile=store_keyfile) as store:
        added = publish(store, ws.ops)
        store.signing_key()
        store.sealing_key()
        console.print(f"central store ready: {store.path} ({added} new plan version(s))")


@central.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--certfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--keyfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@with_workspace
def serve_cmd(
    ws: Workspace, host: str, port: int, certfile: Path | None, keyfile: Path | None
) -> None:
    """Serve the sync API (HTTPS when given --certfile and --keyfile)."""
    from fieldkit.central.listen import listening_socket
    from fieldkit.central.read_api import Readers
    from fieldkit.central.server import serve
    from fieldkit.central.store import central_path
    from fieldkit.maps.service import partner_share_for, report_for

    if (certfile is None) != (keyfile is None):
        raise UserError("give both --certfile and --keyfile for HTTPS, or neither")
    path = central_path(ws.sync)
    if not path.exists():
        raise UserError(f"no central store at {path}: run `fieldkit central init` first")
    store = _open(ws)  # a store it cannot open (locked, wrong key) stops it here, in one line
    sock = listening_socket(host, port)
    scheme = "https" if certfile else "http"
    where = f"[{host}]" if ":" in host else host
    console.print(f"central serving {path} on {scheme}://{where}:{port} (API docs at /docs)")
    serve(store, ws.ops, sock, certfile, keyfile, Readers(report_for, partner_share_for))


@central.command("enroll-device")
@click.option("--team", required=True, help="Team id, as in ops/OP/loadouts/TEAM.json.")
@click.option("--officer", required=True, help="Roster id of the officer carrying it.")
@click.option("--op", "operation", default=None, help="Operation (default: the only one).")
@click.option("--url", default=None, help="Central's address as devices will reach it.")
@click.option(
    "--certfile",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Central's self-signed certificate, for devices to trust.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the credential as JSON.")
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
    """Issue a device credential into ops/OP/credentials/ (its secret shown once, kept hashed).

    The file is readable by you only; carry it to the device with the team's loadout.
    """
    from fieldkit.central.enrolment import enroll_device

    issued = enroll_device(ws, team, officer, operation, url, certfile)
    if as_json:
        click.echo(json.dumps(issued, indent=2))
        return
    loadout, credential = _shown(issued["loadout"]), _shown(issued["credential_file"])
    click.echo(
        f"device {issued['device_id']} enrolled for team {team} of {issued['operation']} "
        f"(officer {officer})"
    )
    click.echo(f"credential (shown once, central keeps only a hash): {issued['credential']}")
    click.echo(
        f"written to {credential} (readable by you only). Enrol the device with it:\n"
        f"  fieldkit device enroll {loadout} --credential {credential}\n"
        f"or give it to a device enrolled already:\n"
        f"  fieldkit device credential {credential}"
    )


def _shown(path: str) -> str:
    """A path relative to the current folder when it is under it (shorter to copy)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


@central.command("revoke")
@click.argument("device")
@with_workspace
def revoke_cmd(ws: Workspace, device: str) -> None:
    """Revoke a device: its credential is refused from now on (its records stay)."""
    with _open(ws) as store:
        store.revoke(device)
    console.print(f"device {device} revoked")


@central.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@with_workspace
def status_cmd(ws: Workspace, as_json: bool) -> None:
    """Devices (last seen, records, unbroken chain), records, open problems, conflicts."""
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

    table = Table("device", "team", "officer", "status", "last seen", "records", "unbroken")
    for d in status["devices"]:
        table.add_row(
            d["device"] or f"({d['id']}, not yet synced)",
            d["team"],
            d["officer"],
            d["status"],
            d["last_seen"] or "never",
            str(d["records"]),
            str(d["unbroken"]),
        )
    console.print(table)
    console.print(
        f"{status['records']} record(s); {status['problems']['open']} open problem(s), "
        f"{status['problems']['resolved']} resolved; {status['conflicts']} conflict(s)"
    )
    for p in problems:
        console.print(f"problem: {p['device']}: {p['kind']}: {p['detail']}")


@central.command("conflicts")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@purpose_option
@with_workspace
def conflicts_cmd(ws: Workspace, as_json: bool, purpose: str | None) -> None:
    """Records amended by two devices: both amendments are kept, for review."""
    with _open(ws) as store:
        found = store.conflicts()
        record_local_read(store, "conflicts", None, len(found), purpose)
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    if not found:
        console.print("no conflicts")
    for c in found:
        console.print(
            f"record {c['amends']} amended by {c['device_a']} ({c['record_a']}) and by "
            f"{c['device_b']} ({c['record_b']})"
        )


@central.command("import-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--answer",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the answer bundle (default: FILE.answer.json beside it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@with_workspace
def import_cmd(ws: Workspace, file: Path, answer: Path | None, as_json: bool) -> None:
    """Ingest a device's bundle and write the answer bundle to carry back to it."""
    from fieldkit.central.bundle import receive_bundle

    done = receive_bundle(ws, file, answer)
    if as_json:
        click.echo(json.dumps(done.to_dict(), indent=2))
        return
    console.print(
        f"bundle of {done.device}: {done.new} new record(s), {done.duplicates} "
        f"already held, {len(done.rejected)} refused"
        + (" (this bundle was imported before)" if done.seen_before else "")
    )
    console.print(f"answer bundle for the device: {done.answer}")


central.add_command(users)
central.add_command(audit_cmd)

COMMANDS = [central]
