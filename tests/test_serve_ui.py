"""`fieldkit serve-ui`: the app served by textual-serve, loaded in headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fieldkit.commands.serve_ui import is_loopback
from tests.browser import ARTEFACTS, launch, needs_chromium, visit
from tests.conftest import ROOT
from tests.test_sync_support import free_port


@pytest.fixture
def served(workspace) -> Iterator[str]:  # type: ignore[no-untyped-def]
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
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail(f"serve-ui did not answer: {proc.communicate()[1]}")
        yield url
    finally:
        proc.terminate()
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
    time.sleep(3)
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    assert "anyone who can reach port" in err


@needs_chromium
def test_app_in_browser_shows_home_screen(served: str, tmp_path: Path) -> None:
    local = served.rstrip("/")
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
        page.goto(served, wait_until="load")
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
