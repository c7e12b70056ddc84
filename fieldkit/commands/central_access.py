"""`fieldkit central users ...` (people at central, their roles and API tokens) and
`fieldkit central audit` (the access log, and the proof it is unbroken)."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from fieldkit.central.roles import ROLES
from fieldkit.commands.common import console, with_workspace
from fieldkit.errors import UserError
from fieldkit.workspace import Workspace

PASSWORD_ENV = "FIELDKIT_USER_PASSWORD"
AUDIT_FORMAT = "fieldkit-access-log/1"


class AuditBrokenError(UserError):
    """The access log does not prove itself: an entry was edited, removed or moved."""


def _open(ws: Workspace) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync))


@click.group("users")
def users() -> None:
    """The people at central: their role says what they may read (README, "Roles")."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="What the user may read.",
)
@click.option("--token", "token_only", is_flag=True, help="Print only the API token.")
@with_workspace
def add_cmd(ws: Workspace, name: str, role: str, token_only: bool) -> None:
    """Add NAME with a ROLE and a password (FIELDKIT_USER_PASSWORD, or asked without echo);
    prints their API token once (central keeps only its hash)."""
    from fieldkit.central.users import add_user

    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        f"password for {name}", hide_input=True, confirmation_prompt=True, err=True
    )
    with _open(ws) as store:
        user, token = add_user(store, name, role, password)
    if token_only:
        click.echo(token)
        return
    click.echo(f"user {user.name} added as {user.role}")
    click.echo(f"API token (shown once, central keeps only a hash): {token}")
    click.echo("use it as `Authorization: Bearer TOKEN` on /v1/report, /v1/followups, ...")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@with_workspace
def list_cmd(ws: Workspace, as_json: bool) -> None:
    """Every user at central: name, role, whether disabled."""
    from dataclasses import asdict

    from fieldkit.central.users import list_users

    with _open(ws) as store:
        found = list_users(store)
    if as_json:
        click.echo(json.dumps([asdict(u) for u in found], indent=2))
        return
    if not found:
        console.print("no users at central: add one with `fieldkit central users add`")
    for u in found:
        state = "disabled" if u.disabled else "active"
        console.print(f"{u.name}  {u.role}  {state}  (since {u.created_at})")


@users.command("disable")
@click.argument("name")
@with_workspace
def disable_cmd(ws: Workspace, name: str) -> None:
    """Disable NAME: their API tokens are refused from now on."""
    from fieldkit.central.users import disable_user

    with _open(ws) as store:
        disable_user(store, name)
    console.print(f"user {name} disabled: their tokens are refused")


@click.command("audit")
@click.option("--json", "as_json", is_flag=True, help=f"Print as JSON ({AUDIT_FORMAT}).")
@click.option(
    "--verify", is_flag=True, help="Prove the log unbroken (exit 2 naming the first bad entry)."
)
@with_workspace
def audit_cmd(ws: Workspace, as_json: bool, verify: bool) -> None:
    """The access log: who read what at central, as what role, why and when."""
    from fieldkit.central.access_log import entries
    from fieldkit.central.access_log import verify as verify_log

    with _open(ws) as store, store.lock:
        found = entries(store.conn)
        broken = verify_log(store.conn) if verify else None
    if as_json:
        doc: dict[str, Any] = {"format": AUDIT_FORMAT, "entries": [e.to_dict() for e in found]}
        if verify:
            doc["verified"] = broken is None
            doc["broken"] = None if broken is None else {"n": broken.n, "reason": broken.reason}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif not verify:
        _show(found)
    if broken is not None:
        raise AuditBrokenError(f"access log broken at entry {broken.n}: {broken.reason}")
    if verify and not as_json:
        console.print(f"access log verified: {len(found)} entries, unbroken")


def _show(found: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not found:
        console.print("the access log is empty")
        return
    table = Table()
    for title in ("n", "when", "who", "role", "what", "operation", "records", "purpose", "via"):
        table.add_column(title, overflow="fold")  # folded, never cut, on a narrow terminal
    for e in found:
        cells = (e.n, e.at, e.who, e.role, e.what, e.operation or "-", e.count, e.purpose, e.via)
        table.add_row(*(Text(str(c)) for c in cells))
    console.print(table)
