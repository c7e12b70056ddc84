"""The home screen: playbooks with their validation status, operations, opening a playbook."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList, TextArea

from fieldkit.playbook import check_playbook
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.playbook import PlaybookScreen
from fieldkit.workspace import Workspace
from tests.support.tui import SIZE, settle, visible_text


def statuses(app: FieldkitApp) -> dict[str, str]:
    table = app.screen.query_one("#playbooks", DataTable)
    return {
        str(table.get_cell(key, "playbook")): str(table.get_cell(key, "status"))
        for key in table.rows
    }


async def test_home_lists_barnet_valid_and_broken_with_its_problem_count(
    app: FieldkitApp, ws: Workspace
) -> None:
    expected = len(check_playbook(ws.playbooks / "broken.yaml"))
    assert expected > 1
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert statuses(app) == {
            "barnet-week-of-action.yaml": "valid",
            "broken.yaml": f"{expected} problems",
        }
        text = visible_text(app)
        assert f"{expected} problems" in text
        assert "barnet-2023" in text  # the planned operation from ops/


async def test_recheck_sees_a_playbook_fixed_on_disk(app: FieldkitApp, ws: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (ws.playbooks / "broken.yaml").write_text(
            (ws.playbooks / "barnet-week-of-action.yaml").read_text(encoding="utf-8")
        )
        await pilot.press("r")
        await settle(pilot)
        assert statuses(app)["broken.yaml"] == "valid"


async def test_enter_opens_the_broken_playbook_and_a_problem_jumps_to_its_line(
    app: FieldkitApp, ws: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # barnet is first, broken second
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlaybookScreen)
        assert screen.path == ws.playbooks / "broken.yaml"
        area = screen.query_one("#text", TextArea)
        assert area.read_only
        assert area.text.startswith("version: 1")
        assert area.cursor_location == (0, 0)

        unknown = [p for p in screen.problems if "leader" in p.message]
        assert [(p.line, p.column) for p in unknown] == [(8, 3)]
        listing = screen.query_one("#problems", OptionList)
        assert listing.option_count == len(screen.problems)
        listing.focus()
        listing.highlighted = screen.problems.index(unknown[0])
        await pilot.press("enter")
        await pilot.pause()
        assert area.cursor_location == (7, 2)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_valid_playbook_says_so(app: FieldkitApp, ws: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_playbook(ws.playbooks / "barnet-week-of-action.yaml")
        await settle(pilot)
        assert isinstance(app.screen, PlaybookScreen)
        assert app.screen.problems == []
        assert "No problems: this playbook is valid." in visible_text(app)


async def test_a_playbook_deleted_after_listing_opens_with_a_problem_not_a_crash(
    app: FieldkitApp, ws: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (ws.playbooks / "broken.yaml").unlink()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlaybookScreen)
        assert len(app.screen.problems) == 1
        assert app.screen.problems[0].file == "playbooks/broken.yaml"
        assert app.screen.problems[0].message in visible_text(app)
