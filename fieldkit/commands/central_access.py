"""`fieldkit central users ...` (people at central, their roles and API tokens) and
`fieldkit central audit` (the access log, and the proof it is unbroken)."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from fieldkit.central.roles import ROLES
from fieldkit.commands.common import TranslatedCommand, TranslatedGroup, console, with_workspace
from fieldkit.errors import UserError
from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace

PASSWORD_ENV = "FIELDKIT_USER_PASSWORD"
AUDIT_FORMAT = "fieldkit-access-log/1"


class AuditBrokenError(UserError):
    """The access log does not prove itself: an entry was edited, removed or moved."""


def _open(ws: Workspace) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync))


@click.group(
    "users",
    cls=TranslatedGroup,
    help=_('The people at central: their role says what they may read (README, "Roles").'),
)
def users() -> None:
    pass


@users.command(
    "add",
    help=_(
        "Add NAME with a ROLE and a password (FIELDKIT_USER_PASSWORD, or asked without echo);\n"
        "prints their API token once (central keeps only its hash)."
    ),
)
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help=_("What the user may read."),
)
@click.option("--token", "token_only", is_flag=True, help=_("Print only the API token."))
@with_workspace
def add_cmd(ws: Workspace, name: str, role: str, token_only: bool) -> None:
    from fieldkit.central.users import add_user

    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        _("password for {name}").format(name=name),
        hide_input=True,
        confirmation_prompt=True,
        err=True,
    )
    with _open(ws) as store:
        user, token = add_user(store, name, role, password)
    if token_only:
        click.echo(token)
        return
    click.echo(_("user {name} added as {role}").format(name=user.name, role=user.role))
    click.echo(_("API token (shown once, central keeps only a hash): {token}").format(token=token))
    click.echo(_("use it as `Authorization: Bearer TOKEN` on /v1/report, /v1/followups, ..."))


@users.command("list", help=_("Every user at central: name, role, whether disabled."))
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@with_workspace
def list_cmd(ws: Workspace, as_json: bool) -> None:
    from dataclasses import asdict

    from fieldkit.central.users import list_users

    with _open(ws) as store:
        found = list_users(store)
    if as_json:
        click.echo(json.dumps([asdict(u) for u in found], indent=2))
        return
    if not found:
        console.print(_("no users at central: add one with `fieldkit central users add`"))
    for u in found:
        state = _("disabled") if u.disabled else _("active")
        since = _("(since {when})").format(when=u.created_at)
        console.print(f"{u.name}  {u.role}  {state}  {since}")


@users.command("disable", help=_("Disable NAME: their API tokens are refused from now on."))
@click.argument("name")
@with_workspace
def disable_cmd(ws: Workspace, name: str) -> None:
    from fieldkit.central.users import disable_user

    with _open(ws) as store:
        disable_user(store, name)
    console.print(_("user {name} disabled: their tokens are refused").format(name=name))


@click.command(
    "audit",
    cls=TranslatedCommand,
    help=_("The access log: who read what at central, as what role, why and when."),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=_("Print as JSON ({format}).").format(format=AUDIT_FORMAT),
)
@click.option(
    "--verify", is_flag=True, help=_("Prove the log unbroken (exit 2 naming the first bad entry).")
)
@with_workspace
def audit_cmd(ws: Workspace, as_json: bool, verify: bool) -> None:
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
        raise AuditBrokenError(
            _("access log broken at entry {n}: {reason}").format(n=broken.n, reason=broken.reason)
        )
    if verify and not as_json:
        console.print(_("access log verified: {n} entries, unbroken").format(n=len(found)))


AUDIT_TITLES = (
    "n",
    N_("when"),
    N_("who"),
    N_("role"),
    N_("what"),
    N_("operation"),
    N_("records"),
    N_("purpose"),
    N_("via"),
)
"""The columns of the access log's table."""


def _show(found: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not found:
        console.print(_("the access log is empty"))
        return
    table = Table()
    for title in AUDIT_TITLES:
        table.add_column(_(title), overflow="fold")  # folded, never cut, on a narrow terminal
    for e in found:
        cells = (e.n, e.at, e.who, e.role, e.what, e.operation or "-", e.count, e.purpose, e.via)
        table.add_row(*(Text(str(c)) for c in cells))
    console.print(table)
