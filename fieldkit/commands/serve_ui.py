"""`fieldkit serve-ui`: the app in a browser (textual-serve), for an officer with a tablet."""

from __future__ import annotations

import shlex
import sys

import click

from fieldkit.commands.common import TranslatedCommand, err_console, with_workspace
from fieldkit.i18n import _
from fieldkit.workspace import Workspace


def is_loopback(host: str) -> bool:
    from fieldkit.webui import is_loopback as loopback

    return loopback(host)


@click.command(
    "serve-ui",
    cls=TranslatedCommand,
    help=_(
        "Serve the app in a web browser (each browser tab runs its own app).\n"
        "\n"
        "Open the address printed at start: it holds a token minted for this run, and the server\n"
        "answers nothing else (other pages, other host names and requests without it get 403)."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@with_workspace
def serve_ui(host: str, port: int, ws: Workspace) -> None:
    from rich.text import Text

    from fieldkit.webui import Access, GuardedServer

    if not is_loopback(host):
        err_console.print(
            Text.assemble(
                (_("warning:"), "bold red"),
                " "
                + _(
                    "serving on {host}: anyone who can reach port {port} and has the address "
                    "with its token can use the app and everything in this workspace. Use "
                    "127.0.0.1 unless the network is yours alone."
                ).format(host=host, port=port),
            )
        )
    access = Access(host, port)
    command = shlex.join([sys.executable, "-m", "fieldkit", "--workspace", str(ws.root)])
    err_console.print(
        _("fieldkit app on"), access.url, _("(Ctrl+C stops)"), markup=False, soft_wrap=True
    )
    GuardedServer(command, access, title="fieldkit").serve()


COMMANDS = [serve_ui]
