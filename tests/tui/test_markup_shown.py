"""Text from a playbook, a record or a code list is shown as written in the app, never obeyed.

Every free-text field of the playbook, the devices central knows, the reasons it refused
records and the records' notes hold Rich/Textual markup: a closing tag that closes nothing
(obeyed, it crashes the app), a colour, an action link, an emoji code. Every mode and screen
is visited; each must show the text literally.
"""

from __future__ import annotations

import pytest
from textual.command import CommandInput, CommandList
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select
from textual.widgets._toast import Toast

from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.log.engagement_form import EngagementForm
from fieldkit.tui.log.mode import LogMode
from fieldkit.tui.plan.grid import WeekGrid
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.tui.plan.picker import TeamPicker
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.playbook import PlaybookScreen
from fieldkit.tui.sync.mode import SyncMode
from fieldkit.workspace import Workspace
from tests.support.markup import (
    BY_ADDRESS,
    DEVICE_A,
    DEVICE_B,
    FILE_MARK,
    MARK,
    OP,
    Office,
    broken_playbook,
    build_office,
    markup,
    table_text,
    write_yaml,
)
from tests.support.tui import settle, visible_text

BIG = (200, 60)
UNLOCK = "[b]resume"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    return build_office(tmp_path_factory.mktemp("markup"))


def toasts(app: FieldkitApp) -> list[str]:
    """The notifications on screen, as drawn."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


def shows(app: FieldkitApp, *texts: str) -> None:
    """Each text is on the screen as written."""
    screen = visible_text(app)
    for text in texts:
        assert text in screen, f"{text!r} is not on the screen:\n{screen}"


async def goto(pilot: Pilot[None], key: str) -> None:
    await pilot.press(key)
    await settle(pilot)


async def pick(pilot: Pilot[None], option_id: str) -> None:
    """Enter on one option of Plan mode's list of playbooks and plans."""
    sources = pilot.app.screen.query_one("#sources", OptionList)
    sources.focus()
    sources.highlighted = sources.get_option_index(option_id)
    await pilot.press("enter")
    await settle(pilot)


def office_app(office: Office) -> FieldkitApp:
    app = make_app(office.ws, unlock_word=UNLOCK)
    app.open_url = lambda url, *, new_tab=True: None  # type: ignore[method-assign]
    return app


async def test_home_and_playbook_screens(office: Office) -> None:
    app = office_app(office)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert f"{FILE_MARK}.yaml" in table_text(app, "#playbooks")
        shows(app, f"{FILE_MARK}.yaml")
        await goto(pilot, "enter")  # the first row: the playbook named in markup
        assert isinstance(app.screen, PlaybookScreen)
        shows(app, f"playbooks/{FILE_MARK}.yaml", f'unknown key "{MARK}"')
        await goto(pilot, "escape")
        table = app.screen.query_one("#playbooks", DataTable)
        table.move_cursor(row=table.get_row_index(str(office.ws.playbooks / "hostile.yaml")))
        await goto(pilot, "enter")
        assert isinstance(app.screen, PlaybookScreen)
        shows(app, markup("operation.name"))  # the YAML itself


async def test_plan_mode(office: Office) -> None:
    app = office_app(office)
    async with app.run_test(size=BIG, notifications=True) as pilot:
        await settle(pilot)
        await goto(pilot, "1")
        assert isinstance(app.screen, PlanMode)
        shows(app, f"playbooks/{FILE_MARK}")  # the list wraps the rest
        await pick(pilot, f"playbook:{FILE_MARK}.yaml")  # its problems: in the note and a toast
        note = f'unknown key "{MARK}"'
        shows(app, note)
        assert any(note in toast for toast in toasts(app)), toasts(app)
        await pick(pilot, f"op:{OP}")
        screen, grid = app.screen, app.screen.query_one(WeekGrid)
        assert isinstance(screen, PlanMode) and screen.session is not None
        plan = screen.session.plan
        wanted = next(a.visit for a in plan.assignments if plan.visit(a.visit).venue == BY_ADDRESS)
        for _ in range(8):  # down the grid to the visit of the venue known by its address
            if grid.current_visit == wanted:
                break
            await goto(pilot, "down")
        shows(
            app,
            f"{markup('operation.name')}: 4 of 5 visits planned",
            f"Venue     {markup('venue.by_address')}",
            markup("activity0.name"),
            f"Team      {markup('team3.name')}",
            markup("person9.name"),
        )
        app.screen.query_one("#details-box").scroll_end(animate=False)
        await settle(pilot)
        # The last member's agency is the hostile partner; the team comes from the venue
        # before (named in markup).
        shows(app, markup("person11.name"), markup("partner.en"))
        screen_text = visible_text(app)
        # Which venue comes before is the planner's choice among equal plans: any, in markup.
        assert any(f"from {markup(f'venue{n}.name')}" in screen_text for n in range(5))
        assert "church-by-address" in table_text(app, "#week")
        await goto(pilot, "m")
        assert isinstance(app.screen, TeamPicker)
        shows(app, *(f"{MARK}team{i}.name" for i in range(3)))  # wrapped after that
        await goto(pilot, "escape")


async def test_sync_mode_on_central(office: Office) -> None:
    app = office_app(office)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await goto(pilot, "3")
        assert isinstance(app.screen, SyncMode)
        devices = table_text(app, "#devices")
        assert DEVICE_A in devices and DEVICE_B in devices
        problems = table_text(app, "#problems")
        assert f'venue "{markup("record.venue")}" is not in the operation\'s plan' in problems
        assert f'id "{markup("record.id")}" is not a UUID' in problems
        conflicts = table_text(app, "#conflicts")
        assert f"({DEVICE_A})" in conflicts and f"({DEVICE_B})" in conflicts
        shows(app, MARK)


async def test_review_mode(office: Office) -> None:
    app = office_app(office)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await goto(pilot, "4")
        assert isinstance(app.screen, ReviewMode)
        shows(app, f"{markup('operation.name')} ({OP})")
        tables = table_text(app, "DataTable")
        for text in (
            markup("team3.name"),
            markup("team1.name"),
            f'venue "{markup("record.venue")}" is not in the operation\'s plan',
            f"{DEVICE_A}, {DEVICE_B}",
        ):
            assert text in tables, f"{text!r} not in the tables:\n{tables}"
        shows(app, MARK)


async def test_help_and_command_palette(office: Office) -> None:
    app = office_app(office)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await goto(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shows(app, f"type {UNLOCK} in its search box")
        await goto(pilot, "escape")
        await pilot.press("ctrl+p")
        for query in ("", "open playbook"):  # the commands on offer, then the ones found
            app.screen.query_one(CommandInput).value = query
            hits = app.screen.query_one(CommandList)
            for _ in range(100):
                await pilot.pause(0.05)
                if hits.option_count >= 2:
                    break
            shows(app, f"Open playbook {FILE_MARK}.yaml")
        await goto(pilot, "escape")


async def test_a_device_of_the_plan(office: Office) -> None:
    app = make_app(office.device, now=lambda: office.now)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        shows(app, markup("team3.name"), markup("operation.name"))
        await goto(pilot, "2")
        assert isinstance(app.screen, LogMode)
        visits = table_text(app, "#assignments")
        assert markup("activity0.name") in visits
        assert markup("venue2.name") in visits or markup("venue.by_address") in visits
        recent = table_text(app, "#recent")
        assert markup("indicator.en") in recent and MARK in recent
        await goto(pilot, "n")
        form = app.screen
        assert isinstance(form, EngagementForm)
        shows(app, markup("activity0.name"), markup("indicator.en"), markup("venue.by_address"))
        venue = form.query_one("#venue", Select)
        venue.expanded = True
        await settle(pilot)
        shows(app, *(markup(f"venue{i}.name") for i in (6, 7, 8)))
        venue.expanded = False
        form.query_one("#notes", Input).value = markup("typed")
        await goto(pilot, "ctrl+s")
        assert isinstance(app.screen, LogMode)
        await goto(pilot, "a")
        assert isinstance(app.screen, EngagementForm)
        assert app.screen.query_one("#notes", Input).value == markup("typed")
        await goto(pilot, "escape")
        await goto(pilot, "escape")
        await goto(pilot, "3")
        assert isinstance(app.screen, SyncMode)
        await goto(pilot, "4")
        assert isinstance(app.screen, ReviewMode)
        shows(app, "chain and signatures intact")


async def test_a_problem_message_quoting_markup_is_shown_as_written(
    ws: Workspace, app: FieldkitApp
) -> None:
    """`playbook check`'s messages quote what is wrong; the playbook screen lists them."""
    write_yaml(ws.playbooks / "a-quoting.yaml", broken_playbook())
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await goto(pilot, "enter")
        assert isinstance(app.screen, PlaybookScreen)
        assert app.screen.path.name == "a-quoting.yaml"
        shows(app, f'unknown key "{MARK}"', f'unknown partner "{MARK}partner"')
        listing = app.screen.query_one("#problems", OptionList)
        assert listing.option_count == 2


async def test_an_operation_folder_named_in_markup(ws: Workspace, app: FieldkitApp) -> None:
    """ops/ may hold any folder: its name is listed on Home, in Plan mode and in Review's
    choice of operation as it is written."""
    (ws.ops / FILE_MARK).mkdir()
    (ws.ops / FILE_MARK / "plan.json").write_text("{}\n", encoding="utf-8")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        shows(app, f"{FILE_MARK}   ops/{FILE_MARK}/plan.json")
        await goto(pilot, "1")
        sources = app.screen.query_one("#sources", OptionList)
        sources.highlighted = sources.get_option_index(f"op:{FILE_MARK}")  # scrolled into view
        await settle(pilot)
        shows(app, f"ops/{FILE_MARK}/plan.jso")  # the list wraps the rest
        await goto(pilot, "4")
        assert isinstance(app.screen, ReviewMode)
        assert app.screen.query_one("#operation", Select).value == FILE_MARK
        shows(
            app,
            f"{FILE_MARK}   no maps yet",
            f"▊  {FILE_MARK}  ",
            f"ops/{FILE_MARK}/plan.json: not a plan",
        )
