"""`fieldkit central retention`: list, then delete, what is past its review date at central."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from fieldkit.commands.central import _open, central
from fieldkit.commands.common import (
    clock_now,
    console,
    purpose_option,
    record_local_read,
    with_workspace,
)
from fieldkit.errors import UserError, quote
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


def _as_of(text: str | None) -> date:
    """--as-of as a date (YYYY-MM-DD); today (or FIELDKIT_NOW's day) when not given."""
    if text is None:
        return clock_now().date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            _("--as-of {text} is not a date: write YYYY-MM-DD").format(text=quote(text))
        ) from None


@central.command(
    "retention",
    help=_(
        "List (with --apply, delete) the sensitive text and the no-concern engagements past the\n"
        "operation's review periods; every chain still verifies afterwards."
    ),
)
@click.option("--as-of", "as_of", default=None, help=_("The day to review as of (YYYY-MM-DD)."))
@click.option("--apply", "apply_", is_flag=True, help=_("Delete what is listed (default: list)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@purpose_option
@with_workspace
def retention_cmd(
    ws: Workspace, as_of: str | None, apply_: bool, as_json: bool, purpose: str | None
) -> None:
    from fieldkit.central.retention import apply, review

    day = _as_of(as_of)
    with _open(ws) as store:
        if not apply_:
            result, verified = review(store, day), None
        else:
            result, verified = apply(store, day)
        _log_retention(store, result, purpose)
    data = result.to_dict()
    if verified is not None:
        data["verification"] = verified.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    _show(data)


def _log_retention(store: Any, result: Any, purpose: str | None) -> None:
    """Central's access log: per operation, one entry for the records whose text was listed
    (or removed) and one for the engagement records listed (or removed), naming the OS user."""
    verb = "removal" if result.applied else "review"
    for op in result.operations:
        records = sum(len(engagement) for engagement in op.engagements)
        for what, count in ((f"retention {verb}: sensitive text", len(op.texts)),
                            (f"retention {verb}: engagements of no concern", records)):  # fmt: skip
            if count:
                record_local_read(store, what, op.operation, count, purpose)


def _show(data: dict[str, Any]) -> None:
    done = _("removed") if data["applied"] else _("past review (--apply removes them)")
    console.print(_("retention as of {day}: {done}").format(day=data["as_of"], done=done))
    for op in data["operations"]:
        _show_operation(op)
    console.print(
        _("in all: {texts} text(s), {engagements} engagement(s)").format(
            texts=data["texts_removed"], engagements=data["engagements_removed"]
        )
    )
    verified = data.get("verification")
    if verified is not None:
        console.print(
            _(
                "chains verified: {devices} device(s), {records} record(s), {removed} removed "
                "record trace(s): "
            ).format(**{k: verified[k] for k in ("devices", "records", "removed")})
            + (_("ok") if verified["ok"] else _("{n} fault(s)").format(n=len(verified["faults"])))
        )
        for fault in verified["faults"]:
            console.print(f"  {fault}")


def _show_operation(op: dict[str, Any]) -> None:
    policy = op["policy"]
    text_period = policy["sensitive_text"] or _("by outcome (code lists)")
    console.print(
        _(
            "operation {operation} (sensitive text: {text_period}; engagements of no concern: "
            "{engagement_period}): {texts} text(s) of {text_records} record(s); {engagements} "
            "engagement(s) of no concern ({records} record(s), {engagement_texts} text(s))"
        ).format(
            operation=op["operation"],
            text_period=text_period,
            engagement_period=policy["no_concern_engagements"],
            texts=op["texts_removed"],
            text_records=len(op["records_with_text_removed"]),
            engagements=op["engagements_removed"],
            records=len(op["records_removed"]),
            engagement_texts=op["texts_removed_with_engagements"],
        )
    )
    for rid in op["records_with_text_removed"]:
        console.print("  " + _("text: {record}").format(record=rid))
    for rid in op["records_removed"]:
        console.print("  " + _("engagement record: {record}").format(record=rid))
