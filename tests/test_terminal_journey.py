"""An officer's journey in a real terminal (tmux): open the app on a demo device, log, quit."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from fieldkit.field import Device
from fieldkit.field.unlock import DEMO_PASSPHRASE
from fieldkit.model import PeopleGroup
from tests.support.cli import ENTRY, fieldkit
from tests.support.demo import DemoRun

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

COLUMNS, LINES = 120, 40


class Terminal:
    """A detached tmux session on a private server socket, read with capture-pane."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
        )

    def start(self, command: str, cwd: Path) -> None:
        size = ["-x", str(COLUMNS), "-y", str(LINES)]
        done = self.tmux("new-session", "-d", *size, "-c", str(cwd), command)
        assert done.returncode == 0, done.stderr

    def keys(self, *keys: str) -> None:
        done = self.tmux("send-keys", "-t", "0", *keys)
        assert done.returncode == 0, done.stderr

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "0").stdout

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once it shows every one of `texts` (polled, never a blind sleep)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the terminal never showed {texts!r}; it shows:\n{screen}")

    def kill(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"fieldkit-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        yield term
    finally:
        term.kill()


def wait_for_file(path: Path, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            return path.read_text(encoding="utf-8").strip()
        time.sleep(0.1)
    raise AssertionError(f"the app did not exit ({path} was never written)")


def test_an_officer_logs_an_engagement_by_keystrokes(
    demo_run: DemoRun, terminal: Terminal, tmp_path: Path
) -> None:
    alpha = next(r for r in demo_run.device_roots() if r.name.startswith("alpha-"))
    device = tmp_path / "alpha-phone"
    shutil.copytree(alpha, device)  # the shared demo stays as it was
    with Device.open(device) as dev:
        visit = dev.loadout.assignments[0]
        before = len(dev.records(history=True))
    now = visit.start + timedelta(minutes=20)  # the device's clock: 20 minutes into its first visit
    exit_file = tmp_path / "exit-code"
    app = " ".join(shlex.quote(a) for a in ENTRY)
    terminal.start(
        # COLUMNS and LINES, when inherited, would override the size the app reads from tmux
        f"env -u COLUMNS -u LINES TERM=xterm-256color FIELDKIT_NOW={now.isoformat()} {app}; "
        f"echo $? > {shlex.quote(str(exit_file))}",
        cwd=device,
    )
    terminal.wait_for("This device is locked", "Passphrase")
    terminal.keys("-l", DEMO_PASSPHRASE)  # the demo prints it in its summary
    terminal.keys("Enter")
    terminal.wait_for("fieldkit — Home", "Workspace alpha-phone")
    terminal.keys("2")
    screen = terminal.wait_for("Today's visits", "▶ now", "Pending sync: 0")
    assert f"device {dev.id}" in screen and now.strftime("%a %d %b %Y %H:%M") in screen
    terminal.keys("n")
    screen = terminal.wait_for("Log an engagement", "Save (ctrl+s)")
    assert now.strftime("%H:%M") in screen
    terminal.keys("f", "f")  # two women
    terminal.wait_for("2 × Female")
    # typed ahead in one burst, as a quick officer does: every key lands in order, the save last
    terminal.keys("1", "o", "2", "C-s")  # sign 1: long hours; outcome 2: leaflet given
    terminal.wait_for("Engagement saved", "Pending sync: 1")
    terminal.keys("C-q")
    assert wait_for_file(exit_file) == "0"

    with Device.open(device) as dev:
        records = dev.records(history=True)
        [(record, state)] = [(r, s) for r, s in records if s != "acknowledged"]
    assert len(records) == before + 1
    assert state == "pending"
    assert (record.visit, record.venue) == (visit.visit, visit.venue)
    assert record.time == now.isoformat()
    assert record.people == (PeopleGroup("female", "unknown", "unknown", 2),)
    assert record.indicators == ("long_hours",)
    assert record.outcomes == ("leaflet_given",)
    verified = fieldkit("log", "verify", "--workspace", str(device))
    assert verified.returncode == 0, verified.stderr
    assert f"{before + 1} record(s), chain and signatures intact" in verified.stdout
