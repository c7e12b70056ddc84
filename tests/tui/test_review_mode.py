"""Review mode: the summary as tables, conflicts and problems, and "render map" in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, ProgressBar, Select, Static

from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.workspace import Workspace
from tests.support.operation import OP, SECRET_NOTE, make_workspace
from tests.support.tui import SIZE, settle, visible_text


@pytest.fixture
def review_ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


class Opened:
    """Stands in for App.open_url: records the URLs instead of starting a browser."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str, *, new_tab: bool = True) -> None:
        self.urls.append(url)


@pytest.fixture
def review_app(review_ws: Workspace) -> tuple[FieldkitApp, Opened]:
    app = make_app(review_ws)
    opened = Opened()
    app.open_url = opened  # type: ignore[method-assign]
    return app, opened


async def open_review(pilot: Pilot[None]) -> ReviewMode:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewMode)
    return screen


def status(screen: ReviewMode) -> str:
    return str(screen.query_one("#review-status", Static).content)


def cells(screen: ReviewMode, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_summary_tables(review_app: tuple[FieldkitApp, Opened]) -> None:
    app, _ = review_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        totals = dict((r[0], r[1]) for r in cells(screen, "totals"))
        assert totals["Engagements"] == "38"
        assert totals["Planned visits done"] == "4 of 6"
        assert totals["Records failing verification"] == "2"
        assert len(cells(screen, "per-day")) == 7
        assert [r[0] for r in cells(screen, "coverage")] == ["alpha", "bravo", "charlie"]
        assert cells(screen, "hot-cells")[0][3].startswith("hot")
        (conflict,) = cells(screen, "conflicts")
        assert conflict[2] == "alpha-dev, bravo-dev"
        assert sorted(r[1] for r in cells(screen, "problems")) == ["bad signature", "gap"]
        assert "Test week of action (testop)" in visible_text(app)
        assert SECRET_NOTE not in visible_text(app)


async def test_render_map_runs_in_a_worker_and_opens_the_file(
    review_app: tuple[FieldkitApp, Opened], review_ws: Workspace
) -> None:
    app, opened = review_app
    messages: list[Any] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_review(pilot)
        await pilot.press("m")
        await settle(pilot)
        target = review_ws.maps / OP / "hotspots.html"
        assert opened.urls == [target.resolve().as_uri()]
        assert target.is_file() and (review_ws.maps / OP / "cells.geojson").is_file()
        bar = screen.query_one("#map-progress", ProgressBar)
        assert bar.progress == bar.total == 4
        assert screen.map_path == target
        assert any(type(m).__name__ == "StateChanged" for m in messages)  # a worker ran
        assert f"maps/{OP}/" in visible_text(app)


async def test_a_broken_plan_is_shown_not_raised(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    (ws.ops / OP / "plan.json").write_text("{}", encoding="utf-8")
    app = make_app(ws)
    opened = Opened()
    app.open_url = opened  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert "not a plan" in status(screen)
        assert cells(screen, "totals") == []
        await pilot.press("m")
        await settle(pilot)
        assert opened.urls == []


async def test_an_empty_operation_says_so(tmp_path: Path) -> None:
    app = make_app(make_workspace(tmp_path / "ws", with_central=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert "no engagements recorded yet" in status(screen)
        assert dict((r[0], r[1]) for r in cells(screen, "totals"))["Engagements"] == "0"


def test_review_mode_snapshot(review_app: tuple[FieldkitApp, Opened], snap_compare: Any) -> None:
    app, _ = review_app

    async def show(pilot: Pilot[None]) -> None:
        await open_review(pilot)

    assert snap_compare(app, terminal_size=(110, 48), run_before=show)


async def test_several_operations_can_be_chosen(review_ws: Workspace) -> None:
    doc = (review_ws.ops / OP / "plan.json").read_text(encoding="utf-8")
    (review_ws.ops / "another").mkdir()
    (review_ws.ops / "another" / "plan.json").write_text(
        doc.replace('"Test week of action"', '"Another week"'), encoding="utf-8"
    )
    app = make_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        choice = screen.query_one("#operation", Select)
        assert choice.value == "another" and "Another week" in status(screen)
        choice.value = OP
        await settle(pilot)
        assert "Test week of action" in status(screen)
        assert dict((r[0], r[1]) for r in cells(screen, "totals"))["Engagements"] == "38"
