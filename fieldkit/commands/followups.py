"""`fieldkit followups [OP]` (the open follow-ups at central) and `fieldkit followups update
PERSON --status S [--partner P]` (a status event appended to a person referred)."""

from __future__ import annotations

import json
from typing import Any

import click

from fieldkit.commands.common import (
    TranslatedGroup,
    clock_now,
    console,
    purpose_option,
    record_local_read,
    resolve_workspace,
    workspace_option,
)
from fieldkit.errors import UserError
from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace

FORMAT = "fieldkit-followups/1"
_LIST = "list-open"


class FollowupsGroup(TranslatedGroup):
    """`followups update ...` is the subcommand; anything else is `followups [OP] [--json]`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [_LIST, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(
            "fieldkit followups",
            "[OP] [--json] [--purpose TEXT] | update PERSON --status S [--partner P]",
        )


@click.group(
    "followups",
    cls=FollowupsGroup,
    help=_("What became of each referral: the open follow-ups at central, and their updates.")
    + "\n\n\b\n"
    "fieldkit followups [OP] [--json]\n"
    "fieldkit followups update PERSON --status S [--partner P]\n\n"
    + _(
        "A person referred on a device (route nrm, duty_to_notify, safeguarding or "
        "partner_support)\nstarts as `referred`; an engagement with the outcome "
        "follow_up_needed stays open until its\n"
        "venue is visited again. Days open count from the engagement to now (FIELDKIT_NOW if set)."
    ),
)
def followups() -> None:
    pass


def open_central(ws: Workspace) -> Any:
    from fieldkit.central.store import Central, central_path

    return Central(central_path(ws.sync))


def operation_ids(ws: Workspace, store: Any, op: str) -> set[str]:
    """The operation ids OP stands for: itself and its plan's operation id; exit 2 when
    neither the workspace nor central knows it."""
    ids = {op}
    plan = ws.ops / op / "plan.json"
    if plan.is_file():
        try:
            ids.add(str(json.loads(plan.read_text(encoding="utf-8"))["operation"]["id"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # an unreadable plan names nothing more
    from fieldkit.central.by_operation import enrolled_operations

    at_central = enrolled_operations(store)
    if op not in ws.operations() and not ids & at_central:
        known = ", ".join(sorted(at_central | set(ws.operations()))) or _("none")
        raise UserError(
            _("no operation {op} in {ops} or at central (operations: {known})").format(
                op=repr(op), ops=ws.ops, known=known
            )
        )
    return ids


@followups.command(
    _LIST, hidden=True, help=_("The open follow-ups of OP (default: every operation at central).")
)
@click.argument("op", required=False)
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON (fieldkit-followups/1)."))
@purpose_option
@workspace_option
def list_open(op: str | None, as_json: bool, purpose: str | None, workspace: Any) -> None:
    from fieldkit.central.followups import follow_ups

    ws = resolve_workspace(workspace)
    now = clock_now()
    with open_central(ws) as store:
        ids = operation_ids(ws, store, op) if op else None
        found = follow_ups(store, ids, now=now)
        record_local_read(store, "followups", op, len(found), purpose)
    if as_json:
        doc = {
            "format": FORMAT,
            "operation": op,
            "as_of": now.isoformat(timespec="seconds"),
            "follow_ups": [f.to_dict() for f in found],
        }
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if not found:
        console.print(
            _("no open follow-ups for {op}").format(op=op) if op else _("no open follow-ups")
        )
        return
    console.print(_table(found))
    people = sum(1 for f in found if f.kind == "person")
    console.print(
        _(
            "{people} person(s) referred with a follow-up open, {engagements} engagement(s) "
            "asking for a visit again"
        ).format(people=people, engagements=len(found) - people)
    )


TITLES = (
    N_("person"),
    N_("operation"),
    N_("venue"),
    N_("age band"),
    N_("route"),
    N_("referring agency"),
)


def _table(found: list[Any]) -> Any:
    """The follow-ups as a table; every cell plain text (never Rich markup), folded rather
    than cut on a narrow terminal, ids never broken."""
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for title in TITLES:
        table.add_column(_(title), overflow="fold", no_wrap=title == "person")
    table.add_column(_("status"), overflow="fold")
    table.add_column(_("days open"), justify="right")
    for f in found:
        cells = (f.id, f.operation, f.venue, f.age_band, f.route, f.agency, f.status)
        table.add_row(*(Text(str(c or "-")) for c in cells), Text(str(f.days_open)))
    return table


def revisits_from(ws: Workspace, op: str) -> tuple[Any, ...]:
    """The venues OP's open follow-ups ask to revisit, read at central, as the planner's
    plain data (`plan --follow-ups-from OP`)."""
    from fieldkit.central.followups import revisits
    from fieldkit.plan.revisits import Revisit

    with open_central(ws) as store:
        found = revisits(store, operation_ids(ws, store, op))
        record_local_read(store, "followups", op, len(found), "plan --follow-ups-from: revisits")
    return tuple(Revisit(r.venue, r.reason, op) for r in found)


@followups.command(
    "update",
    help=_("Append a status event to PERSON (an id `fieldkit followups` lists, e.g. K7M2Q9XD-1)."),
)
@click.argument("person")
@click.option("--status", "status", required=True, help=_("The new status (codes.yaml)."))
@click.option("--partner", default=None, help=_("The partner who helped (a partner code)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the person's follow-up as JSON."))
@purpose_option
@workspace_option
def update(
    person: str,
    status: str,
    partner: str | None,
    as_json: bool,
    purpose: str | None,
    workspace: Any,
) -> None:
    from fieldkit.central.followups import add_event, os_user
    from fieldkit.codes.followups import allowed_next

    ws = resolve_workspace(workspace)
    with open_central(ws) as store:
        short_ids_read(store)
        done = add_event(store, person, status, partner, os_user(), now=clock_now())
        record_local_read(store, "followups update", done.operation, 1, purpose)
    if as_json:
        click.echo(json.dumps(done.to_dict(), indent=2, ensure_ascii=False))
        return
    was = done.history[-2]
    nxt = allowed_next(done.history)
    now_is = (
        _("{status} with {partner}").format(status=done.status, partner=partner)
        if partner
        else done.status
    )
    console.print(
        _("{id}: {status} (was {was}); ").format(id=done.id, status=now_is, was=was)
        + (
            _("next may come: {statuses}").format(statuses=", ".join(nxt))
            if nxt
            else _("the follow-up is closed")
        )
    )


def short_ids_read(store: Any) -> None:
    """The short ids of the records stored since the last lookup, read before the person is
    looked up; said on stderr first when there are many (the first lookup after an upgrade
    reads them all: about a minute at 2,000,000 records)."""
    from fieldkit.central.short_ids import FROM_THE_ID_INDEX, catch_up, waiting

    count = waiting(store)
    if count > FROM_THE_ID_INDEX:
        click.echo(
            _("reading the short ids of {count:,} records stored since the last lookup...").format(
                count=count
            ),
            err=True,
        )
    catch_up(store)


COMMANDS = [followups]
