"""The aids screen from Log mode: helplines in large digits and the leaflet, English or Romanian."""

from __future__ import annotations

from textual.widgets import Digits, Static

from fieldkit.field import Device
from fieldkit.field.aids import aids_of
from fieldkit.tui.aids.app import AidsApp
from fieldkit.tui.aids.screen import AidsScreen
from fieldkit.tui.log.mode import LogMode
from fieldkit.workspace import Workspace
from tests.support.log_form import log_app, to_log
from tests.support.tui import SIZE, settle, visible_text


async def test_l_in_log_mode_shows_helplines_and_leaflet_then_romanian(
    device_ws: Workspace,
) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AidsScreen)
        phones = [d.value for d in app.screen.query(Digits)]
        assert phones[0] == "08000 121 700" and "999" in phones
        shown = visible_text(app)
        assert "Are you being forced to work" in shown and "Help is available" in shown
        await pilot.press("r")
        await settle(pilot)
        shown = visible_text(app)
        assert "Sunteți obligat să munciți" in shown and "Puteți primi ajutor" in shown
        assert "Are you being forced" not in shown
        await pilot.press("e")
        await settle(pilot)
        assert "Are you being forced to work" in visible_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)


async def test_fieldkit_lang_ro_opens_the_aids_in_romanian(
    device_ws: Workspace, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("l")
        await settle(pilot)
        leaflet = app.screen.query_one("#leaflet", Static)
        assert leaflet.border_title == "Pliant"
        assert "Sunteți" in visible_text(app)


async def test_the_aids_app_on_its_own_leaves_on_escape(device: Device) -> None:
    app = AidsApp(aids_of(device.loadout), "ro")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Sunteți" in visible_text(app)
        assert "08000 121 700" in [d.value for d in app.screen.query(Digits)]
        await pilot.press("escape")
        await settle(pilot)
    assert app.return_code == 0


async def test_h_in_log_mode_still_goes_home(device_ws: Workspace) -> None:
    """The aids' key is not the app's Home key."""
    from fieldkit.tui.screens.home import HomeScreen

    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
