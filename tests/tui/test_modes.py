"""Modes, help, the command palette, and `fieldkit` with no command opening the app."""

from __future__ import annotations

import pytest
from textual.command import CommandInput, CommandList
from textual.pilot import Pilot
from textual.screen import Screen

from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.log.mode import LogMode
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.playbook import PlaybookScreen
from fieldkit.tui.sync.mode import SyncMode
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.tui import SIZE, settle, visible_text


async def run_command(pilot: Pilot[None], query: str) -> None:
    """Open the palette, type `query`, wait for its hits (searches run async), run the top one."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    pilot.app.screen.query_one(CommandInput).value = query
    hits = pilot.app.screen.query_one(CommandList)
    for _ in range(100):
        if hits.option_count:
            break
        await pilot.pause(0.05)
    await pilot.press("enter")


@pytest.mark.parametrize(
    ("key", "mode", "screen_type", "shows"),
    [
        ("1", "plan", PlanMode, "broken.yaml"),
        ("2", "log", LogMode, "No device enrolled in this workspace"),
        ("3", "sync", SyncMode, "sync/central.db does not exist yet"),
        ("4", "review", ReviewMode, "barnet-2023"),
    ],
)
async def test_each_mode_key_switches_mode(
    app: FieldkitApp, key: str, mode: str, screen_type: type[Screen[None]], shows: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)  # a mode may read its data in a worker
        assert app.current_mode == mode
        assert isinstance(app.screen, screen_type)
        text = visible_text(app)
        assert shows in text
        assert "Quick exit" in text  # every screen's footer names the quick exit
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_modes_read_the_workspace_each_time_they_are_shown(
    app: FieldkitApp, ws: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "No device enrolled" in visible_text(app)
        (ws.root / "device").mkdir()
        (ws.sync / "central.db").write_bytes(b"")
        await pilot.press("3")
        await pilot.pause()
        assert "sync/central.db is here" in visible_text(app)
        await pilot.press("2")
        await pilot.pause()
        text = visible_text(app)
        assert "No device enrolled" not in text
        assert "enrolled device" in text


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_the_keys_and_escape_closes_it(app: FieldkitApp, key: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = visible_text(app)
        assert "F12" in text and "Quick exit" in text
        assert "type resume in its search" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_opens_a_playbook(app: FieldkitApp, ws: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "open broken")
        await settle(pilot)
        assert isinstance(app.screen, PlaybookScreen)
        assert app.screen.path == ws.playbooks / "broken.yaml"


async def test_command_palette_switches_mode_and_quick_exits(app: FieldkitApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "mode: sync")
        await pilot.pause()
        assert app.current_mode == "sync"
        await run_command(pilot, "quick exit")
        await pilot.pause()
        assert app.current_mode == "cover"


def test_fieldkit_with_no_command_runs_the_app_on_the_workspace(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[FieldkitApp] = []
    monkeypatch.setattr(FieldkitApp, "run", lambda self, *a, **k: ran.append(self))
    done = invoke("--workspace", ws.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(ran) == 1
    assert ran[0].workspace.root == ws.root.resolve()
