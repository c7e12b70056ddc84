"""`fieldkit log add|amend|list|verify`: the device's engagement log from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from fieldkit.commands.common import TranslatedGroup, console, err_console, with_workspace
from fieldkit.commands.log_options import record_options, split_values
from fieldkit.errors import UserError, quote
from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace

if TYPE_CHECKING:
    from fieldkit.field.device import Device
    from fieldkit.model import Engagement

LIST_FIELDS = ("partners", "indicators", "outcomes", "people", "persons")


def _changes(dev: Device, opts: dict[str, Any]) -> dict[str, Any]:
    """The draft fields the options set (options not given are left out)."""
    from fieldkit.model import PeopleGroup, Person, RecordError

    out: dict[str, Any] = {}
    if opts["when"]:
        out["time"] = _parse_time(opts["when"], dev)
    for option, name in (
        ("visit", "visit"),
        ("venue", "venue"),
        ("lat", "lat"),
        ("lon", "lon"),
        ("accuracy", "accuracy_m"),
        ("venue_type", "venue_type"),
        ("language", "language"),
        ("interpreter", "interpreter"),
        ("referral", "referral_ref"),
        ("notes", "notes"),
        ("officer", "officer"),
    ):
        if opts[option] is not None:
            out[name] = opts[option]
    for option, name in (
        ("partner", "partners"),
        ("indicator", "indicators"),
        ("outcome", "outcomes"),
    ):
        if opts[option]:
            values = split_values(opts[option])
            out[name] = [] if values == ["none"] else values
    if opts["people"]:
        try:
            out["people"] = [
                PeopleGroup.parse(p) for p in split_values(opts["people"]) if p != "none"
            ]
        except RecordError as exc:
            raise UserError(str(exc)) from None
    if opts["person"]:
        try:
            persons = [Person.parse(p) for p in opts["person"] if p.strip() != "none"]
        except (RecordError, TypeError) as exc:
            raise UserError(str(exc)) from None
        # A person speaks the engagement's language unless the app says otherwise.
        language = opts["language"]
        out["persons"] = [p if p.language else replace(p, language=language) for p in persons]
    return out


def _parse_time(text: str, dev: Device) -> datetime:
    try:
        if len(text) <= 5 and ":" in text:
            clock = datetime.strptime(text, "%H:%M").time()
            return datetime.combine(dev.now().date(), clock, tzinfo=dev.zone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            _("--time {text}: write 2023-09-26T19:30 (ISO 8601) or 19:30").format(text=quote(text))
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dev.zone)


def _check_now(dev: Device) -> None:
    """An engagement logged 'now' on a day outside the operation needs its time said."""
    now = dev.now()
    why = dev.outside_operation(now)
    if why is None:
        return
    dates = dev.loadout.dates
    example = f"{dates[0].isoformat()}T19:30" if dates else "2023-09-26T19:30"
    raise UserError(
        _(
            "now ({now}) is {why}: to log an engagement of the operation, give its time with "
            "--time, e.g. --time {example}; nothing was saved"
        ).format(now=f"{now:%Y-%m-%d %H:%M}", why=why, example=example)
    )


#: The sync states `log add` and `log list` show, for the catalogue (field/outbox.py).
SYNC_STATES = (N_("pending"), N_("sent"), N_("acknowledged"))


def _show(rec: Engagement, as_json: bool, verb: str, state: str = "pending") -> None:
    if as_json:
        click.echo(json.dumps({**rec.to_dict(), "sync": state}, indent=2, ensure_ascii=False))
    else:
        where = rec.venue or f"{rec.lat:.5f},{rec.lon:.5f}"
        line = _("{verb} {id} ({record}) at {where}, {time}; sync: {state}")
        shown = line.format(
            verb=_(verb), id=short_id(rec.id), record=rec.id, where=where, time=rec.time,
            state=_(state),
        )  # fmt: skip
        console.print(shown)


@click.group(
    "log",
    cls=TranslatedGroup,
    help=_("Log engagements on this device: add, amend, list, verify. Nothing is ever deleted."),
)
def log() -> None:
    pass


@log.command(
    "add",
    help=_("Log an engagement. Visit, venue and partners default to the current assignment."),
)
@record_options
@with_workspace
def add(ws: Workspace, as_json: bool, **opts: Any) -> None:
    from fieldkit.field.device import Device
    from fieldkit.field.service import log_engagement

    with Device.open(ws.root) as dev:
        changes = _changes(dev, opts)
        if "time" not in changes:
            _check_now(dev)
        logged = log_engagement(dev, changes)
    if logged.gps is not None and logged.gps.configured and logged.gps.fix is None:
        where = _("its venue's position") if logged.record.venue else _("no position")
        err_console.print(
            _("{gps}; the engagement was saved with {where}").format(
                gps=logged.gps.text(), where=where
            )
        )
    _show(logged.record, as_json, N_("saved"), logged.sync)


@log.command(
    "amend",
    help=_(
        "Correct record ID: a new version with the given fields changed; the old one stays.\n"
        "\n"
        "ID is a record id, the 8 characters `log list` shows, or `last` (the record stored "
        "last).\n"
        'List options replace the whole list; give "none" to clear one (--indicator none).\n'
        "--person replaces every person; --edit-person changes one person's fields. The referral\n"
        "rules are checked on the result: a broken one exits 2 and nothing is stored."
    ),
)
@click.argument("record_id", metavar="ID")
@record_options
@click.option(
    "--edit-person",
    "edits",
    multiple=True,
    metavar="N:KEY=VALUE[:KEY=VALUE]",
    help=_(
        "Change fields of the record's Nth person (1 = the first), keeping the others, "
        "repeatable: e.g. 2:consent=yes:route=nrm:by=pc-stan. KEY is one of gender, age_band, "
        "nationality, language, signs (CODE,CODE), consent, route, by, ref (give it last), "
        "interpreter; an empty value clears one (by=, signs=)."
    ),
)
@with_workspace
def amend(
    ws: Workspace, record_id: str, as_json: bool, edits: tuple[str, ...], **opts: Any
) -> None:
    from fieldkit.field.device import Device
    from fieldkit.field.service import amend_engagement
    from fieldkit.model import RecordError
    from fieldkit.model.people import PersonEdit

    try:
        person_edits = [PersonEdit.parse(e) for e in edits]
    except RecordError as exc:
        raise UserError(f"--edit-person {exc}") from None
    if person_edits and opts["person"]:
        raise UserError(
            _(
                "give --person (replacing every person) or --edit-person (changing one "
                "person's fields), not both"
            )
        )
    with Device.open(ws.root) as dev:
        changes = _changes(dev, opts)
        if not changes and not person_edits:
            raise UserError(_("nothing to amend: give the fields to correct, e.g. --outcome ..."))
        logged = amend_engagement(dev, record_id, changes, person_edits)
    _show(logged.record, as_json, N_("amended"), logged.sync)


@log.command(
    "list",
    help=_("List the engagements on this device with their sync state."),
)
@click.option("--day", help=_("Only engagements on this local day: YYYY-MM-DD or 'today'."))
@click.option(
    "--history", is_flag=True, help=_("Every version, amended ones too (default: latest).")
)
@click.option("--limit", type=click.IntRange(min=1), help=_("At most this many (the newest)."))
@click.option(
    "--json", "as_json", is_flag=True, help=_("A JSON list of records, each with 'sync'.")
)
@with_workspace
def list_cmd(
    ws: Workspace, day: str | None, history: bool, limit: int | None, as_json: bool
) -> None:
    from fieldkit.field.device import Device
    from fieldkit.model import ENGAGEMENT

    with Device.open(ws.root) as dev:
        wanted: date | None = None
        if day == "today":
            wanted = dev.now().date()
        elif day:
            try:
                wanted = date.fromisoformat(day)
            except ValueError:
                raise UserError(
                    _('--day {day}: write YYYY-MM-DD or "today"').format(day=quote(day))
                ) from None
        if limit is not None:
            newest = dev.store.records(
                wanted.isoformat() if wanted else None,
                history,
                limit=limit,
                newest_first=True,
                kind=ENGAGEMENT,
            )
            rows = newest[::-1]
        else:
            rows = dev.records(wanted, history=history)
        amended = {r.amends for r, _ in rows if r.amends} if history else set()
    if as_json:
        click.echo(json.dumps([{**r.to_dict(), "sync": s} for r, s in rows], ensure_ascii=False))
        return
    _table(rows, amended, history)


def short_id(record_id: str) -> str:
    """The last 8 characters: the random part of a UUIDv7 (the first ones are the time)."""
    return record_id[-8:]


def _table(rows: list[tuple[Engagement, str]], amended: set[str], history: bool) -> None:
    head = (_("id"), _("time"), _("sync"), _("where"), _("people"), _("signs"), _("outcomes"))
    lines = ["{:8}  {:16}  {:12}  {:24}  {:>6}  {:>5}  {}".format(*head)]
    for rec, state in rows:
        note = "  " + _("(amends {id})").format(id=short_id(rec.amends)) if rec.amends else ""
        if history and rec.id in amended:
            note += "  " + _("[superseded]")
        where = rec.venue or f"{rec.lat:.4f},{rec.lon:.4f}"
        synced = _(state)
        lines.append(
            f"{short_id(rec.id):8}  {rec.time[:16].replace('T', ' '):16}  {synced:12}  "
            f"{where[:24]:24}  {rec.people_count:>6}  {len(rec.indicators):>5}  "
            f"{', '.join(rec.outcomes) or '-'}{note}"
        )
    lines.append(_("{count} engagement(s)").format(count=len(rows)))
    click.echo("\n".join(lines))


@log.command(
    "verify",
    help=_("Check the hash chain and every signature; name each broken record. Exit 2 if any."),
)
@click.option("--json", "as_json", is_flag=True, help=_("The report as JSON."))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help=_("Processes checking signatures (default: one per core)."),
)
@with_workspace
def verify(ws: Workspace, as_json: bool, workers: int | None) -> None:
    from fieldkit.field.chain_parallel import default_workers
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        report = dev.verify(workers or default_workers())
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    elif report.ok:
        console.print(
            _("ok: {count} record(s), chain and signatures intact").format(count=report.checked)
        )
    else:
        for item in report.breaks:
            click.echo(f"fieldkit: {item}", err=True)
        said = _(
            "{problems} problem(s) in {count} record(s): the log has been tampered with or damaged"
        ).format(problems=len(report.breaks), count=report.checked)
        click.echo(f"fieldkit: {said}", err=True)
    if not report.ok:
        sys.exit(2)


COMMANDS = [log]
