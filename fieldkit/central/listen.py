"""Central's listening socket, bound before uvicorn starts: a busy port is one clear line."""

from __future__ import annotations

import errno
import socket

from fieldkit.errors import UserError


class ListenError(UserError):
    """Central cannot listen where it was asked to (port in use, unknown host, no permission)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port, ready for uvicorn; ListenError saying why not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise ListenError(
            f"--host {host}: no such host or address; give an address of this machine, "
            "e.g. 127.0.0.1 or 0.0.0.0"
        ) from None
    family, kind, proto, _name, address = found[0]
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: central can be restarted at once on the port it has just left.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ListenError(_why(host, port, exc)) from None
    sock.set_inheritable(True)
    return sock


def _why(host: str, port: int, exc: OSError) -> str:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{where} is in use (another central, or another program): stop it, or choose "
            "another port with --port"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: not an address of this machine"
    if exc.errno == errno.EACCES:
        return f"port {port} needs privileges on this machine: choose one above 1023 with --port"
    return f"cannot listen on {where}: {exc.strerror or exc}"
