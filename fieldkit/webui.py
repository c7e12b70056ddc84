"""The app in a browser (textual-serve), answering only its own page: Host, Origin and a token.

Any web page the officer opens could otherwise reach the server on 127.0.0.1, start an app
session over a WebSocket and read the screen. So every request must name the served address
in its Host header (which defeats DNS rebinding), a request that carries an Origin must come
from that address, and everything but the static files needs the token minted at start: in
the address printed once (`/?token=...`), which the server swaps for a cookie of its own
(HttpOnly, SameSite=Strict) so the token does not stay in the address bar, the way Jupyter
does it. Anything else is answered 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from textual_serve.server import Server

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC_PREFIX = "/static/"
PAGE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _split_host(value: str) -> tuple[str, int] | None:
    """('127.0.0.1', 8000) from '127.0.0.1:8000', ('::1', 80) from '[::1]'; None if malformed."""
    if value.startswith("["):
        name, sep, rest = value[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    else:
        name, _, port_text = value.partition(":") if value.count(":") <= 1 else ("", "", "")
    if not name:
        return None
    if not port_text:
        return name.lower(), 80
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return name.lower(), int(port_text)


@dataclass(frozen=True)
class Access:
    """Who may use a served app: requests to this address, from its own page, with the token."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def url(self) -> str:
        """The address to open, token included (printed once at start)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/?token={self.token}"

    @property
    def cookie(self) -> str:
        """The cookie holding the token; named by port, as cookies ignore ports."""
        return f"fieldkit-ui-{self.port}"

    def host_allowed(self, value: str) -> bool:
        """Whether a Host header (or an Origin's host and port) names the served address."""
        found = _split_host(value)
        if found is None:
            return False
        name, port = found
        if port != self.port:
            return False
        if name == self.host.lower():
            return True
        served = _ip(self.host)
        if is_loopback(self.host):
            return is_loopback(name)
        if served is not None and served.is_unspecified:
            # Listening on every address: any address of the machine, never a DNS name.
            return name == "localhost" or _ip(name) is not None
        return False

    def origin_allowed(self, origin: str | None) -> bool:
        """No Origin (not a browser) or the served address's own, over http."""
        if origin is None:
            return True
        scheme, sep, rest = origin.partition("://")
        return sep == "://" and scheme.lower() == "http" and self.host_allowed(rest)

    def token_given(self, request: web.Request) -> bool:
        """The token in the query if there is one there, else in the cookie."""
        given = request.query.get("token")
        if given is None:
            given = request.cookies.get(self.cookie)
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())


def _refuse(why: str) -> web.Response:
    return web.Response(status=403, text=f"fieldkit serve-ui: {why}\n")


def guard(access: Access) -> Any:
    """The aiohttp middleware that refuses whatever is not the app's own page (403)."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not access.host_allowed(request.headers.get("Host", "")):
            return _refuse("this server answers only to the address it printed (Host)")
        if not access.origin_allowed(request.headers.get("Origin")):
            return _refuse("requests from other pages are refused (Origin)")
        if request.path.startswith(PUBLIC_PREFIX):
            return await handler(request)
        if not access.token_given(request):
            return _refuse("open the address with the token that serve-ui printed")
        if "token" in request.query and request.path == "/":
            query = [(k, v) for k, v in request.query.items() if k != "token"]
            moved = web.Response(status=302, headers=PAGE_HEADERS)
            moved.headers["Location"] = str(request.rel_url.with_query(query))
            moved.set_cookie(access.cookie, access.token, httponly=True, samesite="Strict")
            return moved
        response = await handler(request)
        if not response.prepared:
            response.headers.update(PAGE_HEADERS)
        return response

    return check


class GuardedServer(Server):
    """textual-serve's server with the guard in front of every route."""

    def __init__(self, command: str, access: Access, title: str) -> None:
        super().__init__(command, host=access.host, port=access.port, title=title)
        self.access = access

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(guard(self.access))
        return app
