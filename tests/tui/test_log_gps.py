"""Log mode with a GPS receiver (a fake gpsd): the header shows the fix, a save carries it."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from fieldkit.field import Device
from fieldkit.tui.log.gps_status import GpsStatus
from fieldkit.workspace import Workspace
from tests.support.fake_gpsd import NO_FIX, fake_gpsd, tpv
from tests.support.log_form import log_app, to_log
from tests.support.tui import SIZE, settle

STOOD = (51.60134, -0.19292)


async def header_says(pilot: Pilot[None], text: str) -> str:
    status = pilot.app.screen.query_one(GpsStatus)
    for _ in range(100):
        shown = str(status.render())
        if text in shown:
            return shown
        await pilot.pause(0.05)
    return str(status.render())


async def test_the_header_shows_the_fix_and_a_save_carries_it(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_gpsd([tpv(*STOOD, eph=4.2)]) as gpsd:
        monkeypatch.setenv("FIELDKIT_GPSD", gpsd.address)
        app = log_app(device_ws)
        async with app.run_test(size=SIZE) as pilot:
            await to_log(pilot)
            assert await header_says(pilot, "GPS 3D fix ±4 m") == "GPS 3D fix ±4 m"
            await pilot.press("n", "f", "2", "ctrl+s")
            await settle(pilot)
            for _ in range(100):  # the save asks gpsd in its thread
                with Device.open(device_ws.root) as dev:
                    if dev.recent(1):
                        break
                await pilot.pause(0.05)
    with Device.open(device_ws.root) as dev:
        [(record, _)] = dev.recent(5)
    assert (record.lat, record.lon, record.accuracy_m) == (*STOOD, 4.2)
    assert record.position_source == "gps" and record.venue == "shelter-finchley"


async def test_no_fix_is_shown_and_the_venue_is_used(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_gpsd([NO_FIX]) as gpsd:
        monkeypatch.setenv("FIELDKIT_GPSD", gpsd.address)
        monkeypatch.setattr("fieldkit.field.gps.FIX_WAIT_S", 0.3)
        app = log_app(device_ws)
        async with app.run_test(size=SIZE) as pilot:
            await to_log(pilot)
            shown = await header_says(pilot, "no fix")
            assert shown == "GPS: no fix, venue position used"


async def test_gps_off_is_said(device_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDKIT_GPSD", raising=False)
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        assert str(pilot.app.screen.query_one(GpsStatus).render()) == "GPS off"
