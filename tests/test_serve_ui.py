"""`fieldkit serve-ui`: the app served by textual-serve, loaded in headless Chromium."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest

from fieldkit.commands.serve_ui import is_loopback
from tests.support.browser import ARTEFACTS, launch, needs_chromium, visit
from tests.support.paths import ROOT
from tests.support.sync import free_port


@dataclass(frozen=True)
class Served:
    """A running `fieldkit serve-ui`: its address, the token it printed, what it printed."""

    base: str
    token: str
    printed: str

    @property
    def url(self) -> str:
        return f"{self.base}/?token={self.token}"

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")


@pytest.fixture
def served(workspace) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldkit",
            "serve-ui",
            "--port",
            str(port),
            "--workspace",
            str(workspace.root),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its app sessions too can be stopped at the end
    )
    base = f"http://127.0.0.1:{port}"
    try:
        lines: list[str] = []

        def read() -> None:
            for line in proc.stderr or ():
                lines.append(line)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("token=" in x for x in lines):
            time.sleep(0.1)
        printed = "".join(lines)
        found = re.search(rf"{re.escape(base)}/\?token=(\S+)", printed)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/static/js/textual.js", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail(f"serve-ui did not answer: {proc.communicate()[1]}")
        yield Served(base, found[1] if found else "", printed)
    finally:
        proc.terminate()  # it waits for the app sessions it started to stop
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def test_non_loopback_host_warns(workspace) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldkit",
            "serve-ui",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--workspace",
            str(workspace.root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    said = []
    for line in proc.stderr:  # until the warning, or the end of what the server says
        said.append(line)
        if "anyone who can reach port" in line:
            break
    proc.terminate()
    proc.communicate(timeout=10)
    assert "anyone who can reach port" in "".join(said)


@needs_chromium
def test_app_in_browser_shows_home_screen(served: Served, tmp_path: Path) -> None:
    local = served.base
    frames: list[str] = []

    def on_socket(ws) -> None:  # type: ignore[no-untyped-def]
        def keep(payload: str | bytes) -> None:
            raw = payload if isinstance(payload, bytes) else payload.encode()
            frames.append(raw.decode("utf-8", "ignore"))

        ws.on("framereceived", keep)

    with launch() as browser, visit(browser, "about:blank", lambda u: u.startswith(local)) as seen:
        page = seen.page
        # The terminal is drawn on a canvas: read what the app sends it over the websocket.
        page.on("websocket", on_socket)
        page.goto(served.url, wait_until="load")
        assert "token" not in page.url  # swapped for a cookie, not left in the address bar
        page.wait_for_selector(".xterm-screen", timeout=30_000)
        deadline = time.monotonic() + 30
        text = ""
        while time.monotonic() < deadline:
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(frames))
            if "Playbooks" in text and "barnet-week-of-action" in text and "valid" in text:
                break
            page.wait_for_timeout(250)
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "serve-ui-home.png"))
        assert "Playbooks" in text
        assert "barnet-week-of-action" in text
        # Only the web font is outside; the app itself needs nothing from the internet.
        assert all("fonts.googleapis.com" in u for u in seen.blocked), seen.blocked


def test_token_is_random_and_printed_once(served: Served) -> None:
    assert served.token, f"serve-ui printed no address with a token: {served.printed!r}"
    assert len(served.token) >= 40
    assert served.printed.count(served.token) == 1


async def _handshake(served: Served, query: str = "", **options: object) -> int:
    """The status of a WebSocket handshake on /ws (101 when the app session would start)."""
    url = f"ws://{served.host}/ws{query}"
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, **options) as ws:  # type: ignore[arg-type]
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_websocket_needs_the_token_the_address_and_its_own_page(served: Served) -> None:
    own = {"origin": served.base}
    token = f"?token={served.token}&width=80&height=24"
    assert asyncio.run(_handshake(served, token, **own)) == 101
    assert asyncio.run(_handshake(served, token)) == 101  # no Origin: not a browser page
    assert asyncio.run(_handshake(served, token, origin="http://evil.example")) == 403
    assert asyncio.run(_handshake(served, token, origin="null")) == 403
    assert asyncio.run(_handshake(served, token, origin=f"https://{served.host}")) == 403
    assert asyncio.run(_handshake(served, "?width=80", **own)) == 403
    assert asyncio.run(_handshake(served, "?token=wrong", **own)) == 403
    foreign_host = {"Host": "evil.example:" + served.host.split(":")[1]}
    assert asyncio.run(_handshake(served, token, headers=foreign_host, **own)) == 403
    cookie = {"Cookie": f"fieldkit-ui-{served.host.split(':')[1]}={served.token}"}
    assert asyncio.run(_handshake(served, "?width=80", headers=cookie, **own)) == 101


def test_page_needs_the_token_and_the_address(served: Served) -> None:
    port = served.host.split(":")[1]
    assert httpx.get(served.base + "/").status_code == 403
    assert httpx.get(served.base + "/?token=wrong").status_code == 403
    assert httpx.get(served.url, headers={"Host": f"evil.example:{port}"}).status_code == 403
    assert httpx.get(served.url, headers={"Host": "127.0.0.1:1"}).status_code == 403
    first = httpx.get(served.url + "&fontsize=18")
    assert first.status_code == 302 and first.headers["location"] == "/?fontsize=18"
    assert first.cookies.get(f"fieldkit-ui-{port}") == served.token
    assert "httponly" in first.headers["set-cookie"].lower()
    assert "samesite=strict" in first.headers["set-cookie"].lower()
    page = httpx.get(served.base + "/", cookies=first.cookies)
    assert page.status_code == 200 and "textual-terminal" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert httpx.get(served.base + "/download/x").status_code == 403
    # localhost is the same loopback address; static files carry no data and stay public.
    local = httpx.get(served.url, headers={"Host": f"localhost:{port}"})
    assert local.status_code == 302
    assert httpx.get(served.base + "/static/js/textual.js").status_code == 200
    static = httpx.get(served.base + "/static/js/textual.js", headers={"Host": "evil.example"})
    assert static.status_code == 403


@pytest.mark.parametrize(
    ("served_on", "host", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", "127.0.0.1:8001", False),
        ("127.0.0.1", "127.0.0.1", False),  # port 80
        ("127.0.0.1", "attacker.example:8000", False),  # DNS rebinding
        ("127.0.0.1", "127.0.0.1:8000:1", False),
        ("127.0.0.1", "", False),
        ("0.0.0.0", "192.0.2.7:8000", True),
        ("0.0.0.0", "[2001:db8::1]:8000", True),
        ("0.0.0.0", "attacker.example:8000", False),
        ("192.0.2.7", "192.0.2.7:8000", True),
        ("192.0.2.7", "127.0.0.1:8000", False),
    ],
)
def test_host_check(served_on: str, host: str, allowed: bool) -> None:
    from fieldkit.webui import Access

    assert Access(served_on, 8000).host_allowed(host) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("https://127.0.0.1:8000", False),
        ("http://127.0.0.1:8001", False),
        ("null", False),
        ("http://evil.example", False),
        ("http://127.0.0.1:8000.evil.example", False),
    ],
)
def test_origin_check(origin: str | None, allowed: bool) -> None:
    from fieldkit.webui import Access

    assert Access("127.0.0.1", 8000).origin_allowed(origin) is allowed
