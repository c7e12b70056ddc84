"""The `fieldkit` command: parses, calls the core, prints. Exit 0 ok, 1 bug, 2 bad input."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fieldkit import __version__
from fieldkit.commands import register
from fieldkit.commands.aids import FULL_SCREEN
from fieldkit.commands.click_words import speak_through_the_catalogue
from fieldkit.commands.common import FieldkitGroup, workspace_option
from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, language

if TYPE_CHECKING:
    from fieldkit.field.aids import Aids


@click.group(
    cls=FieldkitGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_(
        "Plan and log joint patrol operations against modern slavery and human trafficking.\n"
        "\n"
        "With no command, opens the app on the workspace you are in."
    ),
)
@workspace_option
@click.version_option(__version__, prog_name="fieldkit", help=_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    ctx.ensure_object(dict)[FULL_SCREEN] = _show_aids
    if ctx.invoked_subcommand is None:
        from fieldkit.commands.common import resolve_workspace
        from fieldkit.tui import make_app

        make_app(resolve_workspace(workspace), now=_clock_from_env()).run()


def _show_aids(aids: Aids, language: str) -> None:
    """`fieldkit aids` on a terminal: the app's aids screen, on its own."""
    from fieldkit.tui.aids.app import AidsApp

    AidsApp(aids, language).run()


def _clock_from_env() -> Callable[[], datetime] | None:
    """FIELDKIT_NOW=2023-09-25T10:20 starts the app's clock then (for tests and demos)."""
    import os
    import time
    from datetime import timedelta

    text = os.environ.get("FIELDKIT_NOW")
    if not text:
        return None
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            _("FIELDKIT_NOW={text} is not an ISO 8601 time").format(text=repr(text))
        ) from None
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


speak_through_the_catalogue()
register(cli)

LISTING = {
    "init": N_("Make a workspace in DIRECTORY (default: here): playbooks/, ops/, maps/, sync/."),
    "playbook": N_("Check playbooks and print the playbook JSON Schema."),
    "plan": N_("Solve PLAYBOOK into a week plan written to ops/NAME/, or check a plan."),
    "aids": N_("Helplines and the leaflet, full screen in large type, to turn toward the person."),
    "simulate": N_("Enrol simulated devices into ops/OP/devices/ and fill them with engagements."),
    "central": N_("Run central: the store every device syncs to (sync/central.db)."),
    "sync": N_("Sync this device with central: over HTTP, or by carrying bundle files."),
    "map": N_("Write the offline hotspot map of OP to maps/OP/hotspots.html, with its exports."),
    "report": N_("Write maps/OP/report.html and maps/OP/summary.json: the operation's summary."),
    "followups": N_(
        "What became of each referral: the open follow-ups at central, and their updates."
    ),
    "forms": N_("Forms for teams with phones (ODK Collect, KoboCollect)."),
    "demo": N_("Replay the Barnet week of action: plan, enrol, log, sync, verify, map and report."),
    "serve-ui": N_("Serve the app in a web browser (each browser tab runs its own app)."),
}
"""Each command's line in `fieldkit --help`, as its help begins (a test holds them equal),
for the catalogue: the commands whose whole help is not translated yet still list in it."""


def _translate_listing() -> None:
    if language() == "en":
        return  # click's own cut of each command's help, as it always was
    for name, line in LISTING.items():
        if name in cli.commands:
            cli.commands[name].short_help = _(line)


_translate_listing()


class _Warnings(logging.Handler):
    """The core's warnings (a key file tightened...) as `fieldkit: warning: ...` on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(_("fieldkit: warning: {said}").format(said=record.getMessage()), err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("fieldkit")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        logger.addHandler(_Warnings(logging.WARNING))


def _type_passphrase() -> str | None:
    """The officer's passphrase typed without echo, on a terminal only (None elsewhere: a
    command started by a script never waits on a prompt)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    return str(click.prompt(_("Device passphrase"), hide_input=True, err=True))


def main(argv: list[str] | None = None) -> Any:
    """Entry point: user errors become a message and exit 2, never a traceback."""
    from fieldkit.field.unlock import set_prompter

    _show_warnings()
    set_prompter(_type_passphrase)
    try:
        cli.main(args=argv, prog_name="fieldkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(_("fieldkit: stopped"), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except UserError as exc:
        click.echo(f"fieldkit: {exc}" if "\n" not in str(exc) else str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(_("fieldkit: interrupted"), err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception:  # a bug: say so, show where, exit 1
        click.echo(_("fieldkit: internal error (a bug in fieldkit; please report it):"), err=True)
        traceback.print_exc()
        sys.exit(1)
    sys.exit(0)
