"""Review mode's follow-ups (f): the open ones at central as a table, and a status added to the
person selected (u), read back from the central store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Select, Static

from fieldkit.central.followups import events
from fieldkit.central.store import Central, central_path
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.review.followups import FollowUpsScreen, StatusDialog
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.workspace import Workspace
from tests.support.followups import (
    CARWASH_VISIT,
    GIRL_NRM,
    MAN_NOTIFIED,
    SECRET_NOTE,
    SECRET_REF,
    WOMAN_NRM,
    WOMAN_PARTNER,
    moment,
    referrals_workspace,
)
from tests.support.tui import SIZE, settle, visible_text


@pytest.fixture
def central_ws(tmp_path: Path) -> Workspace:
    return referrals_workspace(tmp_path)


def app_on(ws: Workspace) -> FieldkitApp:
    return make_app(ws, now=moment)


async def open_follow_ups(pilot: Pilot[None]) -> FollowUpsScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewMode)
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FollowUpsScreen)
    return screen


def rows(screen: FollowUpsScreen) -> list[list[str]]:
    table = screen.query_one("#followups", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def click_add(pilot: Pilot[None]) -> None:
    """Click the dialog's Add button as a person would: a button ignores a click while it still
    shows the last one (its -active effect, 0.2 s), so a fast machine waits that out first."""
    button = pilot.app.screen.query_one("#status-save", Button)
    while button.has_class("-active"):
        await pilot.pause(0.05)
    await pilot.click("#status-save")


async def select_row(pilot: Pilot[None], screen: FollowUpsScreen, person: str) -> None:
    ids = [r[0] for r in rows(screen)]
    screen.query_one("#followups", DataTable).focus()
    for _ in range(ids.index(person)):
        await pilot.press("down")
    assert screen.selected is not None and screen.selected.id == person


async def test_the_open_follow_ups_are_shown(central_ws: Workspace) -> None:
    app = app_on(central_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_follow_ups(pilot)
        shown = rows(screen)
        assert [r[0] for r in shown] == [WOMAN_NRM, GIRL_NRM, CARWASH_VISIT, MAN_NOTIFIED,
                                         WOMAN_PARTNER]  # fmt: skip
        girl = shown[1]
        assert girl[1:] == ["popup-cricklewood", "Under 18", "nrm", "met_police", "referred", "6"]
        status = str(screen.query_one("#followups-status", Static).content)
        assert status.startswith("4 person(s) referred with a follow-up open, 1 engagement")
        assert "(operations: barnet-2023). Days open to Mon 02 Oct 2023." in status
        text = visible_text(app)
        assert SECRET_NOTE not in text and SECRET_REF not in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewMode)


async def test_a_status_is_added_and_read_back_from_central(central_ws: Workspace) -> None:
    app = app_on(central_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_follow_ups(pilot)
        await select_row(pilot, screen, GIRL_NRM)
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        choice = dialog.query_one("#status-choice", Select)
        choice.focus()
        await pilot.press("enter", "down", "enter")  # the first status that may follow
        await settle(pilot)
        assert choice.value == "reasonable_grounds_positive"
        await click_add(pilot)
        await settle(pilot)
        assert app.screen is screen
        girl = next(r for r in rows(screen) if r[0] == GIRL_NRM)
        assert girl[5] == "reasonable_grounds_positive"
    with Central(central_path(central_ws.sync)) as store:
        (event,) = events(store, GIRL_NRM)
    assert (event.status, event.partner, event.at) == (
        "reasonable_grounds_positive",
        None,
        moment().isoformat(),
    )
    assert event.entered_by


async def test_a_return_home_asks_for_the_partner(central_ws: Workspace) -> None:
    app = app_on(central_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_follow_ups(pilot)
        await select_row(pilot, screen, WOMAN_PARTNER)
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        options = dialog.query_one("#status-choice", Select)
        assert "conclusive_grounds_positive" not in [v for _, v in options._options]
        dialog.query_one("#status-choice", Select).value = "support_accepted"
        await settle(pilot)
        await click_add(pilot)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        dialog.query_one("#status-choice", Select).value = "returned_home_assisted"
        await settle(pilot)
        await click_add(pilot)
        await settle(pilot)
        error = str(dialog.query_one("#status-error", Static).content)
        assert "names the partner who helped" in error
        dialog.query_one("#partner", Select).value = "anitp"
        await settle(pilot)
        await click_add(pilot)
        await settle(pilot)
        assert WOMAN_PARTNER not in [r[0] for r in rows(screen)]  # closed
    with Central(central_path(central_ws.sync)) as store:
        stored = [(e.status, e.partner) for e in events(store, WOMAN_PARTNER)]
    assert stored == [("support_accepted", None), ("returned_home_assisted", "anitp")]


async def test_an_engagement_follow_up_takes_no_status(central_ws: Workspace) -> None:
    app = app_on(central_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_follow_ups(pilot)
        await select_row(pilot, screen, CARWASH_VISIT)
        await pilot.press("u")
        await settle(pilot)
        assert app.screen is screen
        (note,) = app._notifications
        assert (
            note.message
            == f"{CARWASH_VISIT} asks for a visit again: it closes when its venue is visited"
        )


def test_follow_ups_snapshot(central_ws: Workspace, snap_compare: Any) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await open_follow_ups(pilot)

    assert snap_compare(app_on(central_ws), terminal_size=(120, 24), run_before=show)


async def test_rows_read_before_the_last_reload_are_not_shown(central_ws: Workspace) -> None:
    # A read cancelled by a newer one still finishes in its thread: its rows come late.
    app = app_on(central_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_follow_ups(pilot)
        shown = rows(screen)
        assert shown
        screen.action_reload()
        screen._show([], "", screen.loads - 1)  # the older read arrives after the newer asked
        assert rows(screen) == shown
        await settle(pilot)
        assert rows(screen) == shown
        screen._show([], "", screen.loads)  # the last read's rows are shown
        assert rows(screen) == []
