"""Headless Chromium (Debian's) through Playwright, with every outside request blocked."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="Debian chromium is not installed (apt-get install -y chromium)",
)


@dataclass
class Visit:
    """What one page load did: requests let through or blocked, console errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def launch() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def visit(
    browser: Any, url: str, allowed: Callable[[str], bool], viewport: tuple[int, int] = (1400, 900)
) -> Iterator[Visit]:
    """Open `url`; any request whose URL `allowed` refuses is blocked and recorded."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    seen = Visit(page)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if allowed(url):
            request_route.continue_()
        else:
            seen.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: seen.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.goto(url, wait_until="load")
    try:
        yield seen
    finally:
        page.close()
