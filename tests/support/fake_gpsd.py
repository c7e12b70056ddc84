"""A fake gpsd on 127.0.0.1 speaking its JSON protocol: VERSION, then WATCH, then TPV reports."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

VERSION = {
    "class": "VERSION",
    "release": "3.25",
    "rev": "3.25",
    "proto_major": 3,
    "proto_minor": 15,
}
DEVICES = {"class": "DEVICES", "devices": [{"class": "DEVICE", "path": "/dev/ttyACM0"}]}
WATCH = {"class": "WATCH", "enable": True, "json": True}


def tpv(lat: float, lon: float, eph: float = 6.5, mode: int = 3) -> dict[str, Any]:
    """A TPV report as gpsd writes one for a receiver with a fix."""
    return {"class": "TPV", "device": "/dev/ttyACM0", "mode": mode,
            "time": "2023-09-26T10:20:00.000Z", "lat": lat, "lon": lon, "altHAE": 60.1,
            "eph": eph, "epx": 4.1, "epy": 5.2}  # fmt: skip


NO_FIX = {"class": "TPV", "device": "/dev/ttyACM0", "mode": 1}


class FakeGpsd:
    """Answers each client with VERSION; after its ?WATCH, DEVICES, WATCH and `reports`.

    `silent`: accepts and then says nothing at all (a gpsd that never answers).
    """

    def __init__(self, reports: list[dict[str, Any]], silent: bool = False) -> None:
        self.reports = reports
        self.silent = silent
        self.watches = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        with conn:
            if self.silent:
                self.stop.wait(10)
                return
            conn.sendall(_line(VERSION))
            conn.settimeout(5)
            try:
                if not conn.recv(1024).startswith(b"?WATCH="):
                    return
                self.watches += 1
                conn.sendall(_line(DEVICES) + _line(WATCH))
                for report in self.reports:
                    conn.sendall(_line(report))
                self.stop.wait(10)
            except OSError:
                return


def _line(report: dict[str, Any]) -> bytes:
    return json.dumps(report, separators=(",", ":")).encode() + b"\n"  # as gpsd writes it


@contextmanager
def fake_gpsd(reports: list[dict[str, Any]], silent: bool = False) -> Iterator[FakeGpsd]:
    server = FakeGpsd(reports, silent)
    server.thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.thread.join(timeout=5)
        server.server.close()
