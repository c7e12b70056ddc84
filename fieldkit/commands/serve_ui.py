"""`fieldkit serve-ui`: the app in a browser (textual-serve), for an officer with a tablet."""

from __future__ import annotations

import ipaddress
import shlex
import sys

import click

from fieldkit.commands.common import err_console, with_workspace
from fieldkit.workspace import Workspace


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve-ui")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@with_workspace
def serve_ui(host: str, port: int, ws: Workspace) -> None:
    """Serve the app in a web browser (each browser tab runs its own app)."""
    from rich.text import Text
    from textual_serve.server import Server

    if not is_loopback(host):
        err_console.print(
            Text.assemble(
                ("warning:", "bold red"),
                f" serving on {host}: anyone who can reach port {port} "
                "can use the app and everything in this workspace. There is no login. "
                "Use 127.0.0.1 unless the network is yours alone.",
            )
        )
    command = shlex.join([sys.executable, "-m", "fieldkit", "--workspace", str(ws.root)])
    err_console.print(f"fieldkit app on http://{host}:{port}  (Ctrl+C stops)")
    Server(command, host=host, port=port, title="fieldkit").serve()


COMMANDS = [serve_ui]
