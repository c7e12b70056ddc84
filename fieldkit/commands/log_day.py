"""`fieldkit log activity|day`: the team's activity log (visits started and ended, handover
notes) and its day in order, printable for the debrief."""

from __future__ import annotations

import json
from datetime import date

import click

from fieldkit.commands.common import console, with_workspace
from fieldkit.commands.log import _parse_time, log, short_id
from fieldkit.errors import UserError, quote
from fieldkit.i18n import _
from fieldkit.model import ACTIVITIES
from fieldkit.workspace import Workspace


@log.command(
    "activity",
    help=_(
        "Log an entry of the team's activity log: visit_started, visit_ended (of the visit under\n"
        "way, or --visit), handover (a note between shifts) or note (--notes holds the words)."
    ),
)
@click.argument("activity", type=click.Choice(ACTIVITIES))
@click.option(
    "--time", "when", help=_("When: ISO 8601 (2023-09-26T19:30) or HH:MM today; default now.")
)
@click.option("--visit", help=_("The visit it belongs to (default: the one under way)."))
@click.option("--notes", help=_("The words of a handover note or a note (sensitive text)."))
@click.option("--officer", help=_("Roster id of the officer logging (default: the device's)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the stored record as JSON."))
@with_workspace
def activity_cmd(
    ws: Workspace,
    activity: str,
    when: str | None,
    visit: str | None,
    notes: str | None,
    officer: str | None,
    as_json: bool,
) -> None:
    from fieldkit.field.activity import log_activity
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        moment = _parse_time(when, dev) if when else dev.now()
        rec = log_activity(dev, activity, time=moment, visit=visit, notes=notes, officer=officer)
    if as_json:
        click.echo(json.dumps({**rec.to_dict(), "sync": "pending"}, indent=2, ensure_ascii=False))
        return
    where = " " + _("at {venue}").format(venue=rec.venue) if rec.venue else ""
    console.print(
        _("saved {activity} {id} ({record}){where}, {time}; sync: pending").format(
            activity=activity, id=short_id(rec.id), record=rec.id, where=where, time=rec.time
        )
    )


@log.command(
    "day",
    help=_(
        "The team's day in order: visits started and ended, engagements, referrals and handover\n"
        "notes, as logged on this device (printable for the debrief)."
    ),
)
@click.option("--day", "day", help=_('The day: YYYY-MM-DD or "today" (default: today).'))
@click.option("--json", "as_json", is_flag=True, help=_("The day log as JSON."))
@with_workspace
def day_cmd(ws: Workspace, day: str | None, as_json: bool) -> None:
    from fieldkit.field.activity import day_log, day_log_text
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        wanted = dev.now().date() if day in (None, "today") else _day(day)
        found = day_log(dev, wanted)
    if as_json:
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(day_log_text(found))


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise UserError(
            _('--day {day}: write YYYY-MM-DD or "today"').format(day=quote(text))
        ) from None


COMMANDS: list[click.Command] = []
