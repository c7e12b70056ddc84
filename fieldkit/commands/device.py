"""`fieldkit device enroll|info`: make a device workspace from a team's loadout, and show it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from fieldkit.commands.common import TranslatedGroup, console, with_workspace
from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace


@click.group(
    "device",
    cls=TranslatedGroup,
    help=_("Enrol a field device from its team's loadout, and show what it holds."),
)
def device() -> None:
    pass


@device.command(
    "enroll",
    help=_(
        "Make a device workspace from LOADOUT (ops/OP/loadouts/TEAM.json).\n"
        "\n"
        "Writes DIR/device/: device.json, the key pair (device.key, mode 0600, encrypted;\n"
        "device.pub) and the store (store.db, encrypted with the officer's passphrase: from\n"
        "FIELDKIT_PASSPHRASE, or typed when asked; store.unlock.json beside it), which keeps the\n"
        "loadout and, with --credential, the central credential."
    ),
)
@click.argument("loadout", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--workspace",
    "-w",
    "target",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help=_("The folder to make the device workspace in."),
)
@click.option(
    "--officer",
    default=None,
    help=_("Roster id of the officer who carries the device (default: the team's first member)."),
)
@click.option(
    "--credential",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=_(
        "The credential central issued for this device (ops/OP/credentials/TEAM-OFFICER.json); "
        "without it, the device takes one later with `fieldkit device credential FILE`."
    ),
)
@click.option(
    "--language",
    type=click.Choice(["en", "ro"]),
    default=None,
    help=_("The language the app speaks on this device (default: FIELDKIT_LANG, else English)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print device.json."))
def enroll_cmd(
    loadout: Path,
    target: Path,
    officer: str | None,
    credential: Path | None,
    language: str | None,
    as_json: bool,
) -> None:
    from fieldkit.sync.enrol import enrol_device

    done = enrol_device(loadout, target, officer=officer, credential=credential, language=language)
    info = done.info
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    console.print(
        _("enrolled device {device}: team {team} of {operation}, officer {officer}").format(
            device=info["device_id"],
            team=info["team"],
            operation=info["operation"],
            officer=info["officer"],
        )
    )
    console.print(_("device workspace: {folder}").format(folder=done.root))
    if not done.with_credential:
        console.print(
            _(
                "no central credential yet: logging works offline; to sync, give the device "
                "the file `fieldkit central enroll-device` writes: fieldkit device credential "
                "FILE"
            )
        )


@device.command(
    "credential",
    help=_(
        "Give this device the central credential in FILE (from `fieldkit central enroll-device`).\n"
        "\n"
        "FILE must be for this device's operation, team and officer. It is kept in\n"
        "device/credential.json (mode 0600); delete FILE once the device has it."
    ),
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@with_workspace
def credential_cmd(ws: Workspace, file: Path) -> None:
    from fieldkit.sync.device_credential import take_credential

    done = take_credential(ws.root, file)
    if not done["changed"]:
        click.echo(
            _("device {device} already holds credential {credential}").format(
                device=done["device"], credential=done["credential_id"]
            )
        )
        return
    where = "; " + _("central: {url}").format(url=done["url"]) if done["url"] else ""
    click.echo(
        _(
            "device {device} now holds credential {credential}{where}; sync with: fieldkit sync"
        ).format(device=done["device"], credential=done["credential_id"], where=where)
    )


@device.command(
    "info",
    help=_("Show this device: id, team, officer, records and their sync state."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@with_workspace
def info_cmd(ws: Workspace, as_json: bool) -> None:
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        data = {
            **{
                k: dev.info[k]
                for k in ("device_id", "operation", "team", "officer", "public_key", "enrolled_at")
            },
            "credential": _credential_id(dev),
            "records": dev.store.count(),
            "sync": dev.sync_counts(),
            "assignments": len(dev.loadout.assignments),
        }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    shown = {_(INFO_LABELS[key]): _shown_value(key, value) for key, value in data.items()}
    width = max(map(len, shown)) + 2
    for label, value in shown.items():
        console.print(label.ljust(width) + value)


INFO_LABELS = {
    "device_id": N_("device"),
    "operation": N_("operation"),
    "team": N_("team"),
    "officer": N_("officer"),
    "public_key": N_("public key"),
    "enrolled_at": N_("enrolled at"),
    "credential": N_("credential"),
    "records": N_("records"),
    "sync": N_("sync state"),
    "assignments": N_("assignments"),
}
"""`device info`'s lines, in the officer's words (--json keeps the field names)."""

SYNC_COUNTS = {
    "pending": N_("{count} pending"),
    "sent": N_("{count} sent"),
    "acknowledged": N_("{count} acknowledged"),
}


def _shown_value(key: str, value: Any) -> str:
    if key == "sync":
        counted = [(_(SYNC_COUNTS.get(state, "{count} " + state)), n) for state, n in value.items()]
        return ", ".join(words.format(count=n) for words, n in counted)
    return _("none") if value is None else str(value)


def _credential_id(dev: Any) -> str | None:
    from fieldkit.sync.device_side import SyncError, central_link

    try:
        return central_link(dev).credential_id
    except SyncError:
        return None


@device.command(
    "retention",
    help=_(
        "List (with --apply, drop) the notes and referral references of records central\n"
        "acknowledged long enough ago; every sync drops them too. `log verify` still passes."
    ),
)
@click.option(
    "--days",
    type=click.IntRange(0, 3650),
    default=None,
    help=_(
        "Days after central acknowledged a record that its texts go (default: the loadout's "
        "retention.device_text_days, else 30)."
    ),
)
@click.option("--apply", "apply_", is_flag=True, help=_("Drop them (default: list them)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print as JSON."))
@with_workspace
def retention_cmd(ws: Workspace, days: int | None, apply_: bool, as_json: bool) -> None:
    from fieldkit.commands.common import clock_now
    from fieldkit.field.device import Device
    from fieldkit.field.retention import drop_texts, loadout_days

    with Device.open(ws.root) as dev:
        wait = loadout_days(dev.loadout) if days is None else days
        done = drop_texts(dev.store, wait, clock_now(), apply=apply_)
    if as_json:
        click.echo(json.dumps(done.to_dict(), indent=2))
        return
    verb = _("dropped") if apply_ else _("to drop (--apply drops them)")
    console.print(
        _(
            "{texts} text(s) of {records} record(s) acknowledged by central {days} or more "
            "day(s) ago (by {by}) {verb}"
        ).format(
            texts=done.texts,
            records=len(done.records),
            days=done.days,
            by=done.acknowledged_by,
            verb=verb,
        )
    )
    for rid in sorted(done.records):
        console.print(f"  {rid}")


@device.command(
    "passphrase",
    help=_(
        "Change the passphrase that unlocks this device.\n"
        "\n"
        "Asks for the current passphrase (or takes FIELDKIT_PASSPHRASE) and the new one twice\n"
        "(or FIELDKIT_NEW_PASSPHRASE). Only the store's key is wrapped again: nothing else is\n"
        "rewritten."
    ),
)
@with_workspace
def passphrase_cmd(ws: Workspace) -> None:
    from fieldkit.field.device import Device
    from fieldkit.field.unlock import change_device_passphrase, device_passphrase

    old = device_passphrase()
    with Device.open(ws.root, old) as dev:  # a store from before encryption is encrypted first
        store, device_id = dev.store.path, dev.id
    new = _new_passphrase()
    change_device_passphrase(store, old, new)
    click.echo(
        _("device {device}: passphrase changed; the records and keys are as they were").format(
            device=device_id
        )
    )


NEW_PASSPHRASE_ENV = "FIELDKIT_NEW_PASSPHRASE"


def _new_passphrase() -> str:
    import os
    import sys

    from fieldkit.errors import UserError

    given = os.environ.get(NEW_PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(
            _(
                "no new passphrase: set {variable}, or run the command in a terminal to type it"
            ).format(variable=NEW_PASSPHRASE_ENV)
        )
    asked = _("New passphrase")
    return str(click.prompt(asked, hide_input=True, confirmation_prompt=True, err=True))


COMMANDS = [device]
