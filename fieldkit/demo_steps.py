"""The demo's moving parts: its workspace, central as a server process, the device fleet."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.simulate import Cluster, make_draft
from fieldkit.workspace import Workspace, init_workspace, is_workspace, shipped_playbooks

PLAYBOOK = "barnet-week-of-action.yaml"
OPERATION = "barnet-2023"


class DemoError(UserError):
    """The demo cannot start here (exit 2)."""


class DemoFailed(UserError):
    """A step of the demo did not do what it should: a bug somewhere, so exit 1."""

    exit_code = 1


def prepare_workspace(root: Path) -> Workspace:
    """A workspace at `root` for the demo: new, empty, or one without the demo's data yet."""
    shown = str(root)
    if root.exists() and not root.is_dir():
        raise DemoError(f"{shown} exists and is not a folder; give --workspace a new folder")
    if root.is_dir() and any(root.iterdir()) and not is_workspace(root):
        raise DemoError(
            f"{shown} is not empty and is not a fieldkit workspace; the demo writes only into "
            "a new folder, an empty one or a workspace: give --workspace a new folder"
        )
    if is_workspace(root):
        taken = [
            p
            for p in (root / "ops" / OPERATION, root / "maps" / OPERATION, root / "sync/central.db")
            if p.exists()
        ]
        if taken:
            names = ", ".join(str(p.relative_to(root)) for p in taken)
            raise DemoError(
                f"{shown} already holds the demo operation ({names}); the demo never "
                "overwrites a workspace's data: give --workspace a new folder"
            )
    ws, _ = init_workspace(root)
    target = ws.playbooks / PLAYBOOK
    if not target.exists():
        source = next((p for p in shipped_playbooks() if p.name == PLAYBOOK), None)
        if source is None:
            raise DemoFailed(f"the shipped playbook {PLAYBOOK} is missing from fieldkit")
        shutil.copyfile(source, target)
    return ws


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CentralProcess:
    """`fieldkit central serve` in its own process on a free loopback port; always stopped."""

    def __init__(self, ws: Workspace, log_path: Path, start_timeout: float = 30.0) -> None:
        self.ws = ws
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self._log: IO[bytes] | None = None

    def __enter__(self) -> CentralProcess:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, attempts: int = 3) -> str:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        for _ in range(attempts):
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            command = [sys.executable, "-m", "fieldkit", "central", "serve"]
            command += ["--host", "127.0.0.1", "--port", str(port)]
            command += ["--workspace", str(self.ws.root)]
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, env=env
            )
            if self._wait_healthy():
                return self.url
            self.stop_process()  # most likely the port was taken meanwhile: try another
        raise DemoFailed(
            f"central did not start (see {self.log_path}):\n{self._log_tail()}".rstrip()
        )

    def _wait_healthy(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return False

    def stop_process(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop(self) -> None:
        self.stop_process()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class DemoDevice:
    """One device of the demo's fleet and what happened to it."""

    id: str
    team: str
    officer: str
    root: Path
    records: int = 0
    via: str = ""
    acknowledged: int = 0
    chain_ok: bool = False
    breaks: list[str] = field(default_factory=list)


def fill_device(
    device: DemoDevice, index: int, seed: int, engagements: int, clusters: list[Cluster]
) -> int:
    """Save the device's simulated week through the store (the same model as `simulate`)."""
    rng = random.Random(f"{seed}/{index}")
    rng.getrandbits(32)  # `simulate` draws its device id first: keep the same stream
    with Device.open(device.root) as dev:
        drafts = [make_draft(dev, rng, clusters) for _ in range(engagements)]
        drafts.sort(key=lambda d: d.time)
        recorded = [d.time + timedelta(minutes=rng.randint(1, 20)) for d in drafts]
        dev.save_many(drafts, recorded=recorded)
        return len(drafts)
