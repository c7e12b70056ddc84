"""`fieldkit forms xlsform [OP] [--team T] [--out FILE]`: the engagement form for phones."""

from __future__ import annotations

from pathlib import Path

import click

from fieldkit.commands.common import console, with_workspace
from fieldkit.workspace import Workspace


@click.group("forms")
def forms() -> None:
    """Forms for teams with phones (ODK Collect, KoboCollect)."""


@forms.command("xlsform")
@click.argument("op", required=False)
@click.option("--team", default=None, help="Only this team's officers and visits (team fixed).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The workbook (default: ops/OP/forms/FORM_ID.xlsx).",
)
@with_workspace
def xlsform_cmd(ws: Workspace, op: str | None, team: str | None, out: Path | None) -> None:
    """Write OP's engagement form as an XLSForm, for ODK Central or Kobo to publish.

    Labels in English and Romanian; the choices come from the operation's code lists and its
    teams' officers, visits and venues; the referral rules are the form's constraints.
    """
    from fieldkit.forms.workbook import export_form

    done = export_form(ws, op, team, out)
    console.print(f"form {done.form_id} version {done.version}: {done.path}")
    console.print(f"{done.questions} questions; publish it on ODK Central or Kobo for the phones")


COMMANDS = [forms]
