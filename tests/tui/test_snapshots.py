"""SVG snapshots of the screens that matter: home, a playbook with a problem selected, the cover."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.playbook import PlaybookScreen
from tests.support.tui import SIZE, settle


def test_home_screen(app: FieldkitApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_playbook_screen_with_a_problem_selected(app: FieldkitApp, snap_compare: Any) -> None:
    async def open_broken_and_jump(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlaybookScreen)
        listing = screen.query_one("#problems", OptionList)
        listing.highlighted = next(
            i for i, p in enumerate(screen.problems) if "leader" in p.message
        )
        await pilot.press("enter")

    assert snap_compare(app, terminal_size=SIZE, run_before=open_broken_and_jump)


def test_quick_exit_screen(app: FieldkitApp, snap_compare: Any) -> None:
    """The neutral page. (The SVG's window title is the snapshot's label, read before the app
    runs; a terminal shows no such title.)"""

    async def quick_exit(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f12")
        await pilot.pause()
        pilot.app.screen.query_one("#city", Input).cursor_blink = False

    assert snap_compare(app, terminal_size=SIZE, run_before=quick_exit)
