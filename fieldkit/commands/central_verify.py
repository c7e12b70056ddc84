"""`fieldkit central verify`: every chain, signature and text central holds, checked again."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from fieldkit.commands.central import _open, central
from fieldkit.commands.common import console, with_workspace
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@central.command(
    "verify",
    help=_(
        "Re-verify every record central holds: hashes, device signatures, texts against their\n"
        "digests, links, removed-record traces, device heads and the ODK receipts chain.\n"
        "Exit 2 naming each fault (device, record, what)."
    ),
)
@click.option("--json", "as_json", is_flag=True, help=_("The report as JSON."))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help=_("Processes checking the records (default: one per core)."),
)
@with_workspace
def verify_cmd(ws: Workspace, as_json: bool, workers: int | None) -> None:
    from fieldkit.central.chain_verify import verify_chains
    from fieldkit.central.odk_receipts import receipt_problems

    with _open(ws) as store:
        found = verify_chains(store, workers or _cores())
        receipts = _receipts(store)
        if receipts:
            found.receipts = receipts
            problems = receipt_problems(store.conn, store.signing_key().public_hex)
            found.faults += [f"ODK receipts: {p}" for p in problems]
    _show(found.to_dict(), as_json)
    if not found.ok:
        sys.exit(2)


def _receipts(store: Any) -> int:
    """How many ODK receipts central holds (none before the first ODK import)."""
    table = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'odk_receipts'"
    ).fetchone()
    if table is None:
        return 0
    return int(store.conn.execute("SELECT count(*) FROM odk_receipts").fetchone()[0])


def _show(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    counts = _(
        "{devices} device(s), {records} record(s), {removed} removed-record trace(s), "
        "{receipts} ODK receipt(s)"
    ).format(**{k: data[k] for k in ("devices", "records", "removed", "receipts")})
    if data["ok"]:
        console.print(
            _("ok: {counts}: every hash, signature, text and link verifies").format(counts=counts)
        )
        return
    for fault in data["faults"]:
        click.echo(f"fieldkit: {fault}", err=True)
    click.echo(
        _(
            "fieldkit: {n} fault(s) in {counts}: central's store has been tampered with or damaged"
        ).format(n=len(data["faults"]), counts=counts),
        err=True,
    )
