"""Every mode at a field device's size, 80×24: the footer keeps its key hints, the plan grid
scrolls instead of being cut, lists show dates and wrap full labels, a tick shows without
colour. SVG snapshots of Home, Plan, Log and the form at that size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Static

from fieldkit.field import Device
from fieldkit.model import PeopleGroup
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.plan.grid import WeekGrid
from fieldkit.workspace import Workspace
from tests.support.log_form import NOW, log_app, to_log
from tests.support.plan_screen import OP, choose, make_ws, planned
from tests.support.tui import footer_fits, settle, visible_text

SMALL = (80, 24)


@pytest.fixture
def planned_ws(tmp_path: Path) -> Workspace:
    return planned(make_ws(tmp_path / "ws"))


def seed(device: Device) -> None:
    """One engagement logged earlier on the visit under way."""
    draft = device.prefill(NOW.replace(minute=5)).update(
        people=[PeopleGroup("male", "age_25_34", "romanian", 1)],
        indicators=["owes_debt"],
        outcomes=["leaflet_given"],
    )
    device.save(draft)


async def test_home_at_80x24_keeps_its_footer(app: FieldkitApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert footer_fits(app) == []


async def test_log_mode_at_80x24_keeps_its_footer_and_shows_dates_and_full_labels(
    device_ws: Workspace, device: Device
) -> None:
    seed(device)
    app = log_app(device_ws)
    async with app.run_test(size=SMALL) as pilot:
        await to_log(pilot)
        assert footer_fits(app) == []
        status = " ".join(visible_text(app).split())
        assert "Mon 25 Sep 2023" in status and "10:20" in status  # wrapped, not cut
        recent = app.screen.query_one("#recent", DataTable)
        assert str(recent.get_row_at(0)[0]) == "Mon 25 Sep 10:05"  # a date, not only a weekday
        words = [w.strip(",") for w in visible_text(app).split()]
        for label in (
            "Meet incoming flights from Romania at Luton Airport",
            "Owes a debt for travel, housing or the job",
            "Information or leaflet given",
        ):
            assert all(w.strip(",") in words for w in label.split()), label  # wrapped, not cut


async def test_the_form_at_80x24_keeps_its_footer_and_a_tick_shows_without_colour(
    device_ws: Workspace,
) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SMALL) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert footer_fits(app) == []
        box = app.screen.query_one("#interpreter", Checkbox)
        unticked = box.render().plain  # type: ignore[union-attr]
        await pilot.press("i")
        await settle(pilot)
        ticked = box.render().plain  # type: ignore[union-attr]
        assert box.value and ticked != unticked


async def test_plan_at_80x24_shows_the_grid_and_scrolls_to_the_last_day(
    planned_ws: Workspace,
) -> None:
    app = make_app(planned_ws)
    async with app.run_test(size=SMALL) as pilot:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        assert footer_fits(app) == []
        grid = screen.query_one(WeekGrid)
        assert grid.size.height >= 8, "the grid is cut to a few rows"
        grid.focus()
        await pilot.press(*["down"] * grid.row_count)
        await settle(pilot)
        last = grid.row_days[-1]
        assert f"{last:%a %d}" in visible_text(app)
        words = visible_text(app).split()
        legend = str(screen.query_one("#legend", Static).content)
        assert all(word in words for word in legend.split()), legend  # wrapped, not cut


def test_home_snapshot_80x24(app: FieldkitApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def test_plan_snapshot_80x24(planned_ws: Workspace, snap_compare: Any) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await choose(pilot, f"ops/{OP}/plan.json")

    assert snap_compare(make_app(planned_ws), terminal_size=SMALL, run_before=show)


def test_log_snapshot_80x24(device_ws: Workspace, device: Device, snap_compare: Any) -> None:
    seed(device)
    assert snap_compare(log_app(device_ws), terminal_size=SMALL, run_before=to_log)


def test_form_snapshot_80x24(device_ws: Workspace, snap_compare: Any) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await to_log(pilot)
        await pilot.press("n", "f", "f", "1")
        await settle(pilot)

    assert snap_compare(log_app(device_ws), terminal_size=SMALL, run_before=open_form)


async def test_a_devices_home_sync_and_review_at_80x24_keep_their_footers(
    device_ws: Workspace,
) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert footer_fits(app) == []
        for key in ("3", "4", "2"):
            await pilot.press(key)
            await settle(pilot)
            assert footer_fits(app) == [], key
        await pilot.press("d")  # the day log
        await settle(pilot)
        assert footer_fits(app) == []
        await pilot.press("escape", "l")  # the aids
        await settle(pilot)
        assert footer_fits(app) == []
