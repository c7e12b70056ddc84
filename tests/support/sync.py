"""Helpers shared by the sync tests: a central workspace, enrolled devices, a live server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from fieldkit.central.enrolment import enroll_device
from fieldkit.central.plans import publish
from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Engagement, PeopleGroup
from fieldkit.sync.device_credential import enroll_with_credential
from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import command
from tests.support.paths import BARNET, ROOT

TEAMS = ("alpha", "bravo")


def central_workspace(tmp: Path) -> Workspace:
    """A workspace with the Barnet loadouts and an initialised central store."""
    ws, _ = init_workspace(tmp / "central")
    write_sample_loadouts(BARNET, ws.ops)
    with Central(central_path(ws.sync), create=True) as store:
        publish(store, ws.ops)
    return ws


def new_device(ws: Workspace, root: Path, team: str = "alpha", url: str | None = None) -> str:
    """Issue a credential on central and enrol a device from the loadout; returns its id."""
    issued = enroll_device(ws, team, first_officer(ws, team), url=url)
    info = enroll_with_credential(Path(issued["loadout"]), root, Path(issued["credential_file"]))
    return str(info["device_id"])


def first_officer(ws: Workspace, team: str) -> str:
    """The first member of `team` in its loadout."""
    path = next(ws.ops.glob(f"*/loadouts/{team}.json"))
    return str(json.loads(path.read_text())["team"]["members"][0]["id"])


def fill(root: Path, n: int, start: int = 0) -> list[Engagement]:
    """Save `n` engagements on the device at `root` in one transaction."""
    with Device.open(root) as dev:
        visit = dev.loadout.assignments[0]
        drafts = []
        for i in range(n):
            draft = dev.prefill(visit.start)
            draft.update(
                people=[PeopleGroup("female", "age_25_34", "romanian", 1 + (start + i) % 5)],
                outcomes=["leaflet_given"],
            )
            drafts.append(draft)
        return dev.save_many(drafts) if drafts else []


def counts(root: Path) -> dict[str, int]:
    with Device.open(root) as dev:
        return dev.sync_counts()


def central_count(ws: Workspace, device: str | None = None) -> int:
    with Central(central_path(ws.sync)) as store:
        return store.record_count(device)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """`fieldkit central serve` as a separate process on 127.0.0.1."""

    def __init__(
        self, ws: Workspace, port: int | None = None, tls: tuple[Path, Path] | None = None
    ):
        self.ws, self.port, self.tls = ws, port or free_port(), tls
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self, wait: float = 20.0) -> None:
        args = command("central", "serve", "--port", str(self.port), "--workspace", self.ws.root)
        if self.tls:
            args += ["--certfile", str(self.tls[0]), "--keyfile", str(self.tls[1])]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + wait
        verify: object = str(self.tls[0]) if self.tls else True
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"central exited: {self.proc.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                import ssl

                ctx = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else True
                if httpx.get(self.url + "/v1/health", timeout=1, verify=ctx).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        del verify
        self.stop()
        raise RuntimeError("central did not answer in time")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def live(ws: Workspace, tls: tuple[Path, Path] | None = None) -> Iterator[LiveServer]:
    server = LiveServer(ws, tls=tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()
