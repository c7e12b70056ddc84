"""The app on a device asks for the passphrase before it shows anything, makes a guesser wait,
and the quick exit locks it: coming back needs the passphrase again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.unlock import PASSPHRASE_ENV, forget_passphrase
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.passphrase import PassphraseScreen, wait_after
from fieldkit.workspace import Workspace
from tests.support.paths import BARNET
from tests.support.tui import SIZE, settle, visible_text

RIGHT = os.environ.get(PASSPHRASE_ENV, "")
DEVICE_DATA = ("alpha-0001", "pc-hughes", "team alpha", "engagements")


@pytest.fixture
def phone(tmp_path: Path) -> Workspace:
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", tmp_path / "alpha-phone", device_id="alpha-0001")
    forget_passphrase()  # as the app starts: nothing typed yet
    return Workspace(tmp_path / "alpha-phone")


def locked_app(phone: Workspace) -> FieldkitApp:
    return make_app(phone, first_wait=600)


async def type_passphrase(pilot: Pilot[None], text: str) -> None:
    box = pilot.app.screen.query_one("#passphrase", Input)
    box.value = text
    await pilot.press("enter")
    await settle(pilot)


def test_the_wait_grows_after_three_wrong_tries() -> None:
    assert [wait_after(n, 30) for n in range(6)] == [0, 0, 0, 30, 60, 120]


async def test_three_wrong_tries_make_the_officer_wait_and_show_nothing(phone: Workspace) -> None:
    app = locked_app(phone)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PassphraseScreen)
        for _ in range(3):
            text = visible_text(app)
            assert not any(d in text for d in DEVICE_DATA), text
            await type_passphrase(pilot, "not the passphrase")
        text = visible_text(app)
        assert "Wrong passphrase. Wait 600 s" in text
        assert app.screen.query_one("#passphrase", Input).disabled
        await pilot.press("2", "4")  # the modes stay shut while locked
        await settle(pilot)
        assert isinstance(app.screen, PassphraseScreen)
        assert not any(d in visible_text(app) for d in DEVICE_DATA)


async def test_the_right_passphrase_opens_the_device(phone: Workspace) -> None:
    app = locked_app(phone)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_passphrase(pilot, "wrong")
        assert "2 more tries" in visible_text(app)
        await type_passphrase(pilot, RIGHT)
        assert isinstance(app.screen, HomeScreen)
        assert "Device alpha-0001" in visible_text(app)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "log"


async def test_quick_exit_locks_the_app(phone: Workspace) -> None:
    app = locked_app(phone)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_passphrase(pilot, RIGHT)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "log"
        await pilot.press("f12")
        await settle(pilot)
        assert app.covered
        app.screen.query_one("#city", Input).value = app.unlock_word
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PassphraseScreen)  # not straight back into the log
        assert not any(d in visible_text(app) for d in DEVICE_DATA)
        await type_passphrase(pilot, RIGHT)
        assert app.current_mode == "log"


def test_passphrase_screen_after_three_wrong_tries(phone: Workspace, snap_compare: Any) -> None:
    async def three_wrong(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for _ in range(3):
            await type_passphrase(pilot, "not the passphrase")

    assert snap_compare(locked_app(phone), terminal_size=SIZE, run_before=three_wrong)
