"""`fieldkit aids`: the helplines and the leaflet, full screen, in English or Romanian."""

from __future__ import annotations

import os
import sys

import click

from fieldkit.commands.common import TranslatedCommand, console, with_workspace
from fieldkit.i18n import _
from fieldkit.workspace import Workspace

FULL_SCREEN = "show_aids"
"""The key of the root context's object under which the shell puts its full-screen view of
the aids (the app's; commands do not import the app)."""


@click.command(
    "aids",
    cls=TranslatedCommand,
    help=_(
        "Helplines and the leaflet, full screen in large type, to turn toward the person.\n"
        "\n"
        "They come from the device's loadout (the playbook's `helplines` and `leaflet`); with no\n"
        "leaflet in the playbook, the kit's own in English and Romanian."
    ),
)
@click.option(
    "--language",
    type=click.Choice(["en", "ro"]),
    default=None,
    help=_(
        "The language to show them in (default: FIELDKIT_LANG, else English); "
        "e and r switch on the screen."
    ),
)
@click.option(
    "--print",
    "as_text",
    is_flag=True,
    help=_("Print them as text instead of the full screen (also when not on a terminal)."),
)
@with_workspace
def aids(ws: Workspace, language: str | None, as_text: bool) -> None:
    from fieldkit.field.aids import aids_of, aids_text, choose_language
    from fieldkit.field.device import Device

    chosen = language or choose_language(os.environ.get("FIELDKIT_LANG"))
    with Device.open(ws.root) as dev:
        found = aids_of(dev.loadout)
    full_screen = (click.get_current_context().find_root().obj or {}).get(FULL_SCREEN)
    if as_text or full_screen is None or not (sys.stdin.isatty() and sys.stdout.isatty()):
        console.print(aids_text(found, chosen))
        return
    full_screen(found, chosen)


COMMANDS = [aids]
