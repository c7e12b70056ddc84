"""`fieldkit forms xlsform [OP] [--team T] [--out FILE]`: the engagement form for phones."""

from __future__ import annotations

from pathlib import Path

import click

from fieldkit.commands.common import TranslatedGroup, console, with_workspace
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


@click.group(
    "forms", cls=TranslatedGroup, help=_("Forms for teams with phones (ODK Collect, KoboCollect).")
)
def forms() -> None:
    pass


@forms.command(
    "xlsform",
    help=_(
        "Write OP's engagement form as an XLSForm, for ODK Central or Kobo to publish.\n"
        "\n"
        "Labels in English and Romanian; the choices come from the operation's code lists and its\n"
        "teams' officers, visits and venues; the referral rules are the form's constraints."
    ),
)
@click.argument("op", required=False)
@click.option("--team", default=None, help=_("Only this team's officers and visits (team fixed)."))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=_("The workbook (default: ops/OP/forms/FORM_ID.xlsx)."),
)
@with_workspace
def xlsform_cmd(ws: Workspace, op: str | None, team: str | None, out: Path | None) -> None:
    from fieldkit.forms.workbook import export_form

    done = export_form(ws, op, team, out)
    console.print(
        _("form {form} version {version}: {path}").format(
            form=done.form_id, version=done.version, path=done.path
        )
    )
    console.print(
        _("{n} questions; publish it on ODK Central or Kobo for the phones").format(
            n=done.questions
        )
    )


COMMANDS = [forms]
