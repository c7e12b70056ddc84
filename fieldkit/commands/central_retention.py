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
from fieldkit.workspace import Workspace


def _as_of(text: str | None) -> date:
    """--as-of as a date (YYYY-MM-DD); today (or FIELDKIT_NOW's day) when not given."""
    if text is None:
        return clock_now().date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--as-of {quote(text)} is not a date: write YYYY-MM-DD") from None


@central.command("retention")
@click.option("--as-of", "as_of", default=None, help="The day to review as of (YYYY-MM-DD).")
@click.option("--apply", "apply_", is_flag=True, help="Delete what is listed (default: list).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@purpose_option
@with_workspace
def retention_cmd(
    ws: Workspace, as_of: str | None, apply_: bool, as_json: bool, purpose: str | None
) -> None:
    """List (with --apply, delete) the sensitive text and the no-concern engagements past the
    operation's review periods; every chain still verifies afterwards."""
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
    done = "removed" if data["applied"] else "past review (--apply removes them)"
    console.print(f"retention as of {data['as_of']}: {done}")
    for op in data["operations"]:
        policy = op["policy"]
        text_period = policy["sensitive_text"] or "by outcome (code lists)"
        console.print(
            f"operation {op['operation']} (sensitive text: {text_period}; engagements of no "
            f"concern: {policy['no_concern_engagements']}): {op['texts_removed']} text(s) of "
            f"{len(op['records_with_text_removed'])} record(s); {op['engagements_removed']} "
            f"engagement(s) of no concern ({len(op['records_removed'])} record(s), "
            f"{op['texts_removed_with_engagements']} text(s))"
        )
        for rid in op["records_with_text_removed"]:
            console.print(f"  text: {rid}")
        for rid in op["records_removed"]:
            console.print(f"  engagement record: {rid}")
    console.print(
        f"in all: {data['texts_removed']} text(s), {data['engagements_removed']} engagement(s)"
    )
    verified = data.get("verification")
    if verified is not None:
        console.print(
            f"chains verified: {verified['devices']} device(s), {verified['records']} "
            f"record(s), {verified['removed']} removed record trace(s): "
            + ("ok" if verified["ok"] else f"{len(verified['faults'])} fault(s)")
        )
        for fault in verified["faults"]:
            console.print(f"  {fault}")
