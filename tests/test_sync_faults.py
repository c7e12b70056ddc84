"""Fault scenarios against the real central server in its own process: every record once."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldkit.central.bundle import import_bundle
from fieldkit.central.store import Central, central_path
from fieldkit.central.tls import self_signed
from fieldkit.field.clock import HybridClock, Stamp, wall_ms
from fieldkit.field.device import Device
from fieldkit.field.kept import keep, read_kept
from fieldkit.model import PeopleGroup
from fieldkit.sync.bundle import export_bundle
from fieldkit.sync.client import sync_now
from fieldkit.sync.device_credential import enroll_with_credential
from fieldkit.sync.device_side import SyncError, central_link
from fieldkit.workspace import Workspace
from tests.support.sync import (
    LiveServer,
    central_count,
    central_workspace,
    counts,
    fill,
    live,
    new_device,
)

HOUR_MS = 3_600_000


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return central_workspace(tmp_path)


def distinct_ids(ws: Workspace) -> tuple[int, int]:
    with Central(central_path(ws.sync)) as store:
        [(total, distinct)] = store.query("SELECT count(*), count(DISTINCT id) FROM records")
    return int(total), int(distinct)


class Interrupt(httpx.BaseTransport):
    """Passes requests to the real transport; on the Nth push, lets central commit, then fails."""

    def __init__(self, nth: int, then: Any) -> None:
        self.inner = httpx.HTTPTransport()
        self.nth, self.then, self.pushes = nth, then, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/push"):
            self.pushes += 1
            if self.pushes == self.nth:
                response.read()
                self.then()
                raise httpx.ReadTimeout("timed out reading the answer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_sigkill_after_first_batch_then_restart(ws: Workspace, tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 1200)
    server = LiveServer(ws)
    server.start()
    try:

        def progress(phase: str, done: int, total: int) -> None:
            if phase == "push" and done == 500:
                server.kill()  # the first batch is acknowledged; the second finds no central

        with pytest.raises(SyncError, match="your 700 records are safe on this device"):
            sync_now(dev, server.url, progress, retries=1)
        assert counts(dev) == {"pending": 700, "sent": 0, "acknowledged": 500}
        assert central_count(ws) == 500
        server.start()
        report = sync_now(dev, server.url)
        assert report.sent == 700
        assert counts(dev) == {"pending": 0, "sent": 0, "acknowledged": 1200}
        assert distinct_ids(ws) == (1200, 1200)
    finally:
        server.stop()


def test_sigkill_after_commit_before_answer(ws: Workspace, tmp_path: Path) -> None:
    """Central stores the second batch and dies before the device hears: nothing is lost."""
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 1200)
    server = LiveServer(ws)
    server.start()
    try:
        with pytest.raises(SyncError, match="records are safe"):
            sync_now(dev, server.url, retries=1, transport=Interrupt(2, server.kill))
        assert counts(dev) == {"pending": 700, "sent": 0, "acknowledged": 500}
        assert central_count(ws) == 1000
        server.start()
        report = sync_now(dev, server.url)
        assert report.sent == 200  # central's high-water mark acknowledged the stored batch
        assert counts(dev)["acknowledged"] == 1200
        assert distinct_ids(ws) == (1200, 1200)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, LiveServer]]:
    ws = central_workspace(tmp_path_factory.mktemp("shared"))
    with live(ws) as server:
        yield ws, server


def test_client_timeout_mid_response_is_retried_safely(
    shared: tuple[Workspace, LiveServer], tmp_path: Path
) -> None:
    ws, server = shared
    dev = tmp_path / "dev"
    device = new_device(ws, dev)
    fill(dev, 300)
    report = sync_now(dev, server.url, transport=Interrupt(1, lambda: None))
    assert report.sent == 300 and report.new_on_central == 0  # stored on the lost attempt
    assert report.acknowledged == 300
    assert counts(dev) == {"pending": 0, "sent": 0, "acknowledged": 300}
    assert central_count(ws, device) == 300


def test_forged_record_of_another_device_is_403_and_nothing_stored(
    shared: tuple[Workspace, LiveServer], tmp_path: Path
) -> None:
    ws, server = shared
    a, b = tmp_path / "a", tmp_path / "b"
    new_device(ws, a)
    device_b = new_device(ws, b, team="bravo")
    fill(b, 3)
    sync_now(b, server.url)
    before = central_count(ws)
    fill(a, 2)
    with Device.open(a) as dev_a, Device.open(b) as dev_b:
        token = central_link(dev_a).token
        victim = dev_b.store.records()[0][0]
        own = dev_a.store.records()[0][0].to_dict()
        forged = {**own, "device": device_b}
        for body in (
            {"device": dev_a.id, "public_key": dev_a.public_key, "records": [forged]},
            {"device": device_b, "public_key": dev_a.public_key, "records": [forged]},
            {"device": device_b, "public_key": dev_b.public_key, "records": [victim.to_dict()]},
        ):
            answer = httpx.post(
                server.url + "/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 403, answer.text
            assert "detail" in answer.json()
    assert central_count(ws) == before
    assert counts(a) == {"pending": 2, "sent": 0, "acknowledged": 0}


def _save_with_clock(root: Path, skew_ms: int, n: int) -> None:
    with Device.open(root) as dev:
        dev.clock = HybridClock(dev.store.last_stamp(), wall=lambda: wall_ms() + skew_ms)
        visit = dev.loadout.assignments[0]
        for i in range(n):
            draft = dev.prefill(visit.start)
            draft.update(people=[PeopleGroup("male", "age_25_34", "romanian", i + 1)])
            dev.save(draft)


def test_two_devices_two_hours_apart_keep_a_consistent_order(
    shared: tuple[Workspace, LiveServer], tmp_path: Path
) -> None:
    ws, server = shared
    ahead, behind = tmp_path / "ahead", tmp_path / "behind"
    id_ahead, id_behind = new_device(ws, ahead), new_device(ws, behind)
    for _ in range(3):  # interleaved in real time
        _save_with_clock(ahead, 2 * HOUR_MS, 2)
        _save_with_clock(behind, -2 * HOUR_MS, 2)
    sync_now(behind, server.url)
    sync_now(ahead, server.url)
    with Central(central_path(ws.sync)) as store:
        for device, skew in ((id_ahead, 2 * HOUR_MS), (id_behind, -2 * HOUR_MS)):
            records = store.records(device)
            assert len(records) == 6
            # central's order of a device's records is its chain order ...
            for before, after in zip(records, records[1:], strict=False):
                assert after["prev_hash"] == before["hash"]
            # ... and the stamps carry the device's own (skewed) clock, untouched
            first = Stamp.parse(records[0]["hlc"]).ms
            assert abs(first - (wall_ms() + skew)) < HOUR_MS
        everything = [r for r in store.records() if r["device"] in (id_ahead, id_behind)]
        assert [r["device"] for r in everything] == [id_behind] * 6 + [id_ahead] * 6
        assert everything == sorted(everything, key=lambda r: (r["hlc"], r["device"], r["id"]))


def test_twenty_devices_push_at_once(shared: tuple[Workspace, LiveServer], tmp_path: Path) -> None:
    ws, server = shared
    roots = [tmp_path / f"d{i}" for i in range(20)]
    ids = [new_device(ws, root, team=("alpha", "bravo")[i % 2]) for i, root in enumerate(roots)]
    for root in roots:
        fill(root, 60)
    before = central_count(ws)
    errors: list[BaseException] = []

    def push(root: Path) -> None:
        try:
            sync_now(root, server.url, batch=25, timeout=60)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(root,)) for root in roots]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert central_count(ws) == before + 20 * 60
    for root, device in zip(roots, ids, strict=True):
        assert counts(root) == {"pending": 0, "sent": 0, "acknowledged": 60}
        assert central_count(ws, device) == 60


def test_wiped_and_reenrolled_device_does_not_duplicate(
    shared: tuple[Workspace, LiveServer], tmp_path: Path
) -> None:
    ws, server = shared
    dev = tmp_path / "dev"
    old = new_device(ws, dev)
    stale_loadout, stale_credential = tmp_path / "stale.json", tmp_path / "stale-credential.json"
    with Device.open(dev) as device:  # the loadout and credential it keeps, copied out
        stale_loadout.write_bytes(read_kept(device.store, "loadout.json") or b"")
        stale_credential.write_bytes(read_kept(device.store, "credential.json") or b"")
    fill(dev, 30)
    bundle = tmp_path / "old.bundle.json"
    export_bundle(dev, bundle)  # an old bundle still lying around
    sync_now(dev, server.url)
    shutil.rmtree(dev)  # wiped: store and key gone
    # Enrolled again from the stale loadout: same credential, new key -> refused, nothing stored.
    enroll_with_credential(stale_loadout, dev, stale_credential)
    fill(dev, 5)
    with pytest.raises(SyncError):
        sync_now(dev, server.url)
    shutil.rmtree(dev)
    new = new_device(ws, dev)  # the proper way: a new credential from central
    fill(dev, 10)
    sync_now(dev, server.url)
    with Central(central_path(ws.sync)) as store:
        _, again, seen = import_bundle(store, bundle)
        assert (again.new, again.duplicates, seen) == (0, 30, False)
        assert store.record_count(old) == 30
        assert store.record_count(new) == 10
    assert counts(dev) == {"pending": 0, "sent": 0, "acknowledged": 10}


def test_https_with_a_self_signed_certificate(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    cert, key = tmp_path / "central.pem", tmp_path / "central.key"
    self_signed(cert, key)
    with live(ws, tls=(cert, key)) as server:
        assert server.url.startswith("https://")
        from fieldkit.central.enrolment import enroll_device

        issued = enroll_device(ws, "alpha", "pc-okafor", url=server.url, certfile=cert)
        dev = tmp_path / "dev"
        enroll_with_credential(
            Path(issued["loadout"]), dev, Path(issued["credential_file"]), officer="pc-okafor"
        )
        fill(dev, 7)
        report = sync_now(dev)  # URL and certificate both from the credential
        assert report.acknowledged == 7
        assert central_count(ws) == 7
        with Device.open(dev) as device:
            data = json.loads(read_kept(device.store, "credential.json") or b"{}")
            data["certificate"] = None
            keep(device.store, "credential.json", json.dumps(data).encode())
        fill(dev, 1)
        with pytest.raises(SyncError, match="not reachable"):
            sync_now(dev, retries=0)  # an untrusted certificate is not talked to
        assert counts(dev)["pending"] == 1
