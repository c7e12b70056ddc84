"""Sync mode: a device syncing with a real central, central unreachable, central's status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from fieldkit.central.bundle import import_bundle, write_answer
from fieldkit.central.enrolment import enroll_device
from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.sync.bundle import export_bundle, import_answer
from fieldkit.sync.credential import keep_on_device
from fieldkit.sync.device_side import summary, write_state
from fieldkit.tui import make_app
from fieldkit.tui.sync.device_panel import DevicePanel
from fieldkit.tui.sync.mode import SyncMode
from fieldkit.wire.credential import read_credential
from fieldkit.workspace import Workspace, init_workspace
from tests.support.sync import (
    central_count,
    central_workspace,
    counts,
    fill,
    first_officer,
    free_port,
    live,
    new_device,
)
from tests.support.tui import SIZE, assert_covered, settle, visible_text

FIXED = "2023-09-25T17:30:00.000+00:00"
"""The one time every snapshot shows (last sync, last seen, found at)."""


async def to_sync(pilot: Pilot[None]) -> SyncMode:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncMode)
    return pilot.app.screen


def device_workspace(tmp: Path, central: Workspace, url: str) -> tuple[Workspace, str]:
    """A fresh workspace enrolled as a device of team alpha with central at `url`."""
    ws, _ = init_workspace(tmp / "device-ws")
    return ws, new_device(central, ws.root, url=url)


def fixed_device(central: Workspace, root: Path, team: str, device_id: str) -> None:
    """Enrol a device with a fixed id and a fixed central address (nothing random in view)."""
    issued = enroll_device(central, team, first_officer(central, team), url="http://10.0.0.2:8765")
    enroll(Path(issued["loadout"]), root, device_id=device_id)
    with Device.open(root) as dev:
        keep_on_device(dev.store, read_credential(Path(issued["credential_file"])))


def carry_bundle(central: Workspace, root: Path, tmp: Path) -> None:
    """A bundle from the device to central and the answer back: its records acknowledged."""
    push, answer = tmp / "push.bundle", tmp / "answer.json"
    export_bundle(root, push)
    with Central(central_path(central.sync)) as store:
        reply, _, _ = import_bundle(store, push)
    write_answer(reply, answer)
    import_answer(root, answer)


@pytest.fixture
def central(tmp_path: Path) -> Workspace:
    """Central with alpha-0001 (12 records) and bravo-0001 (5), a problem and a conflict."""
    ws = central_workspace(tmp_path)
    for team, device_id, n in (("alpha", "alpha-0001", 12), ("bravo", "bravo-0001", 5)):
        root = tmp_path / device_id
        fixed_device(ws, root, team, device_id)
        fill(root, n)
        carry_bundle(ws, root, tmp_path)
    with Central(central_path(ws.sync)) as store, store.transaction() as db:  # fixed times, ids
        db.execute(
            "UPDATE devices SET id = device || '-key', last_seen = ?, registered_at = ?",
            (FIXED, FIXED),
        )
        db.execute(
            "INSERT INTO problems (device, kind, record_id, key, detail, found_at) "
            "VALUES ('bravo-0001', 'gap', NULL, 'gap-1', 'records 6 to 8 missing', ?)",
            (FIXED,),
        )
        db.execute(
            "INSERT INTO conflicts (amends, record_a, device_a, record_b, device_b, found_at) "
            "VALUES ('rec-0001', 'rec-0002', 'alpha-0001', 'rec-0003', 'bravo-0001', ?)",
            (FIXED,),
        )
    return ws


@pytest.fixture
def synced_device(ws: Workspace, central: Workspace, tmp_path: Path) -> Workspace:
    """Team alpha's second device: 12 records acknowledged by bundle, 3 logged since."""
    fixed_device(central, ws.root, "alpha", "alpha-0002")
    fill(ws.root, 12)
    carry_bundle(central, ws.root, tmp_path)
    fill(ws.root, 3, start=12)
    from fieldkit.field.device import Device

    with Device.open(ws.root) as dev:
        write_state(dev, last_sync=FIXED)
    return ws


async def test_sync_now_sends_pending_records_to_a_live_central(tmp_path: Path) -> None:
    central = central_workspace(tmp_path)
    with live(central) as server:
        ws, device_id = device_workspace(tmp_path, central, server.url)
        fill(ws.root, 37)
        app = make_app(ws)
        async with app.run_test(size=SIZE) as pilot:
            await to_sync(pilot)
            assert "Records  Pending 37 · Sent 0 · Acknowledged 0" in visible_text(app)
            assert f"Central: {server.url}" in visible_text(app)
            panel = app.screen.query_one(DevicePanel)
            seen: list[tuple[str, int, int]] = []
            shown = panel.show_progress

            def spy(phase: str, done: int, total: int) -> None:
                seen.append((phase, done, total))
                shown(phase, done, total)

            panel.show_progress = spy  # type: ignore[method-assign]
            await pilot.press("s")
            await settle(pilot)
            text = visible_text(app)
            assert "Records  Pending 0 · Sent 0 · Acknowledged 37" in text
            assert "Synced: 37 records sent, 37 acknowledged; no plan changes." in text
            assert "Last sync: never" not in text
            assert seen[0] == ("push", 0, 37) and ("push", 37, 37) in seen
            assert seen[-1] == ("pull", 1, 1)
            assert not panel.running
        assert central_count(central, device_id) == 37
    assert counts(ws.root) == {"pending": 0, "sent": 0, "acknowledged": 37}


async def test_central_not_reachable_is_said_plainly_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    central = central_workspace(tmp_path)
    ws, _ = device_workspace(tmp_path, central, f"http://127.0.0.1:{free_port()}")
    fill(ws.root, 5)
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_sync(pilot)
        await pilot.click("#sync-now")
        await settle(pilot)
        text = visible_text(app)
        assert "Central not reachable at http://127.0.0.1:" in text
        assert "your 5 records are safe on this device" in text
        assert "Records  Pending 5 · Sent 0 · Acknowledged 0" in text
        assert "Traceback" not in text
    assert counts(ws.root) == {"pending": 5, "sent": 0, "acknowledged": 0}
    assert central_count(central) == 0
    app = make_app(ws)  # opened again later: the failed attempt is remembered
    async with app.run_test(size=SIZE) as pilot:
        await to_sync(pilot)
        assert "The last sync did not finish: central not reachable" in visible_text(app)


async def test_quick_exit_while_a_sync_runs_keeps_the_cover(tmp_path: Path) -> None:
    central = central_workspace(tmp_path)
    ws, _ = device_workspace(tmp_path, central, f"http://127.0.0.1:{free_port()}")
    fill(ws.root, 2)
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_sync(pilot)
        await pilot.press("s", "f12")
        await pilot.pause()
        assert_covered(app)
        await settle(pilot)  # the sync fails behind the cover, and says nothing there
        assert_covered(app)
    assert counts(ws.root)["pending"] == 2
    assert str(summary(ws.root)["last_error"]).startswith("central not reachable")


async def test_a_device_enrolled_while_the_app_runs_is_shown_next_time(
    ws: Workspace, tmp_path: Path
) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_sync(pilot)
        assert "neither an enrolled device nor central" in visible_text(app)
        new_device(central_workspace(tmp_path), ws.root, url="http://10.0.0.2:8765")
        await pilot.press("h")
        await to_sync(pilot)
        text = visible_text(app)
        assert "This workspace is an enrolled device; it is not central." in text
        assert "Records  Pending 0 · Sent 0 · Acknowledged 0" in text


async def test_central_workspace_shows_devices_problems_and_conflicts(central: Workspace) -> None:
    app = make_app(central)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_sync(pilot)
        text = visible_text(app)
        assert "This workspace is central; no device is enrolled in it." in text
        assert "2 devices, 17 records, 1 open problem, 1 conflict." in text
        devices = screen.query_one("#devices", DataTable)
        rows = [[str(c) for c in devices.get_row_at(i)] for i in range(devices.row_count)]
        assert [r[:3] for r in rows] == [
            ["alpha-0001", "alpha", first_officer(central, "alpha")],
            ["bravo-0001", "bravo", first_officer(central, "bravo")],
        ]
        assert [r[4] for r in rows] == ["12", "5"]
        assert rows[1][5] == "active · 1 problem"
        assert rows[0][3] == "Mon 25 Sep 2023 17:30 UTC"
        assert screen.query_one("#problems", DataTable).row_count == 1
        assert screen.query_one("#conflicts", DataTable).row_count == 1
        assert not screen.query(DevicePanel)
        await pilot.press("s")  # no device here: nothing to sync
        assert len(app.workers) == 0
        await pilot.press("f12")
        await pilot.pause()
        assert_covered(app)


async def test_a_workspace_both_device_and_central_says_so(tmp_path: Path) -> None:
    central = central_workspace(tmp_path)
    new_device(central, central.root)
    app = make_app(central)
    async with app.run_test(size=SIZE) as pilot:
        await to_sync(pilot)
        text = visible_text(app)
        assert "This workspace is both an enrolled device and central." in text
        assert "Central: not set - give the address with: fieldkit sync --server URL" in text
        assert "(not synced yet)" in text


def test_device_view_snapshot(synced_device: Workspace, snap_compare: Any) -> None:
    assert snap_compare(make_app(synced_device), terminal_size=SIZE, run_before=to_sync)


def test_central_view_snapshot(central: Workspace, snap_compare: Any) -> None:
    assert snap_compare(make_app(central), terminal_size=(120, 40), run_before=to_sync)
