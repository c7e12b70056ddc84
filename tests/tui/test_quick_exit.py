"""The quick exit: one key, from anywhere, shows a neutral page with nothing of fieldkit on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.playbook import PlaybookScreen
from tests.support.tui import SIZE, assert_covered, settle, visible_text

Setup = Callable[[Pilot[None]], Awaitable[None]]


async def on_home(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def on_playbook(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PlaybookScreen)


async def in_a_mode(pilot: Pilot[None]) -> None:
    await pilot.press("3")
    await pilot.pause()
    assert pilot.app.current_mode == "sync"


async def on_help(pilot: Pilot[None]) -> None:
    await pilot.press("f1")
    await pilot.pause()


async def typing_in_the_palette(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"open")
    assert isinstance(pilot.app.screen, CommandPalette)
    assert isinstance(pilot.app.focused, Input)


@pytest.mark.parametrize("setup", [on_home, on_playbook, in_a_mode, on_help, typing_in_the_palette])
async def test_quick_exit_from_anywhere_shows_only_the_neutral_page(
    app: FieldkitApp, setup: Setup
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await setup(pilot)
        assert "Quick exit" in visible_text(app)
        await pilot.press("f12")
        await pilot.pause()
        assert_covered(app)


async def test_no_app_key_leaves_the_neutral_page(app: FieldkitApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("tab")  # focus off the search box, so keys reach the app
        for key in ("1", "4", "h", "question_mark", "f1", "ctrl+p", "escape", "f12"):
            await pilot.press(key)
            await pilot.pause()
            assert_covered(app)


async def test_a_wrong_word_stays_and_the_unlock_word_returns_to_where_it_was(
    app: FieldkitApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_playbook(pilot)
        playbook_screen = app.screen
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*"paris", "enter")
        await pilot.pause()
        assert_covered(app)
        assert "No forecast found for 'paris'." in visible_text(app)
        await pilot.press(*"resume", "enter")
        await pilot.pause()
        assert app.screen is playbook_screen
        assert app.current_mode == "home"
        assert app.title == "fieldkit"
        await pilot.press("f12")  # and the quick exit works again
        await pilot.pause()
        assert_covered(app)
        assert app.screen.query_one("#city", Input).value == ""
