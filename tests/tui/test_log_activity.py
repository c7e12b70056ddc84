"""Log mode's activity log: s starts and ends the selected visit, t writes a handover note, d
shows the team's day in order."""

from __future__ import annotations

from fieldkit.field import Device
from fieldkit.field.activity import day_log
from fieldkit.tui.log.activity import DayLogScreen, HandoverNote
from fieldkit.tui.log.mode import LogMode
from fieldkit.workspace import Workspace
from tests.support.log_form import NOW, VISIT, log_app, to_log
from tests.support.tui import SIZE, settle, visible_text


async def test_start_end_handover_then_the_day_log(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, HandoverNote)
        await pilot.press(*"Shelter full", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        shown = visible_text(app)
        assert "Activity log: team alpha" in shown and "Monday 25 September 2023" in shown
        assert shown.index("visit started") < shown.index("visit ended") < shown.index("handover")
        assert "Shelter full" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    with Device.open(device_ws.root) as dev:
        entries = day_log(dev, NOW.date()).entries
        assert [e.what for e in entries] == ["visit started", "visit ended", "handover note"]
        assert entries[0].visit == entries[1].visit == VISIT
        assert dev.recent(5) == []  # none of them is an engagement
        assert dev.verify().ok


async def test_an_empty_handover_note_is_not_saved(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("t", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HandoverNote)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    with Device.open(device_ws.root) as dev:
        assert dev.store.count() == 0
