"""Plan mode: solve in a worker, the week grid, details, lock, move, re-solve, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, ProgressBar, Static

from fieldkit.plan.check import check_plan
from fieldkit.plan.progress import SolveProgress
from fieldkit.plan.write import load_plan_file
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.plan.grid import WeekGrid
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.tui.plan.picker import TeamPicker
from fieldkit.tui.screens.neutral import NeutralScreen
from fieldkit.workspace import Workspace
from tests.support.plan_screen import OP, choose, make_ws, planned
from tests.support.tui import FORBIDDEN_ON_COVER, SIZE, settle, visible_text

CHURCH = "church-sermons.church-hendon.2023-09-24"
LUTON = "luton-flights.luton-arrivals.2023-09-25"
NOBODY = "interpreted.shelter-hendon.2023-09-25"


@pytest.fixture
def plan_ws(tmp_path: Path) -> Workspace:
    return make_ws(tmp_path / "ws")


@pytest.fixture
def plan_app(plan_ws: Workspace) -> FieldkitApp:
    return make_app(plan_ws)


@pytest.fixture
def planned_ws(plan_ws: Workspace) -> Workspace:
    """A workspace holding ops/barnet-2023/plan.json of a fixed (optimal, seed 0) solve."""
    return planned(plan_ws)


def note(screen: PlanMode) -> str:
    return str(screen.query_one("#solve-note", Static).content)


def text_of(screen: PlanMode, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).content)


def assignment(screen: PlanMode, visit: str) -> tuple[str, bool] | None:
    assert screen.session is not None
    found = [(a.team, a.locked) for a in screen.session.plan.assignments if a.visit == visit]
    return found[0] if found else None


async def cursor_to(pilot: Pilot[None], screen: PlanMode, visit: str) -> None:
    grid = screen.query_one(WeekGrid)
    where = grid.coordinate_of(visit)
    assert where is not None
    grid.focus()
    grid.move_cursor(row=0, column=0)
    await pilot.press(*["down"] * where.row, *["right"] * where.column, "enter")
    await pilot.pause()
    assert grid.current_visit == visit


async def pick_team(pilot: Pilot[None], team: str) -> None:
    await pilot.press("m")
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, TeamPicker)
    ids = [tid for tid, _ in picker.choices]
    await pilot.press(*["down"] * ids.index(team), "enter")
    await settle(pilot)


async def test_solve_fills_the_grid_with_progress_and_reasons(
    plan_app: FieldkitApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SolveProgress] = []
    original = PlanMode._progress

    def record(self: PlanMode, p: SolveProgress) -> None:
        seen.append(p)
        original(self, p)

    monkeypatch.setattr(PlanMode, "_progress", record)
    async with plan_app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        assert screen.session is not None
        plan = screen.session.plan
        grid = screen.query_one(WeekGrid)
        assert sorted(grid.slots.values()) == sorted(a.visit for a in plan.assignments)
        assert len(plan.assignments) == 22 and plan.solver.status == "OPTIMAL"
        assert seen and seen[-1].solutions >= 1  # the solver's progress reached the bar
        bar = screen.query_one("#solve-progress", ProgressBar)
        assert bar.total == 2 and bar.progress == 2
        assert "22 of 23 visits planned" in text_of(screen, "plan-status")
        unassigned = text_of(screen, "unassigned")
        assert NOBODY in unassigned and "no team has Interpreter" in unassigned
        assert "Church" in str(screen.query_one("#legend", Static).content)
        assert "church-hendon" in visible_text(plan_app)


async def test_details_lock_move_refused_then_done_and_resolve_keeps_locks(
    plan_app: FieldkitApp,
) -> None:
    async with plan_app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        await cursor_to(pilot, screen, LUTON)
        shown = text_of(screen, "details")
        assert "London Luton Airport arrivals hall (Airport arrivals)" in shown
        assert "Window    Mon 25 Sep 07:00-10:30, 90 min, priority 5" in shown
        assert "partners: ANITP\n" in shown and "Travel    65 min from Colindale" in shown
        luton_team = assignment(screen, LUTON)
        assert luton_team is not None
        await pilot.press("l")
        await pilot.pause()
        assert assignment(screen, LUTON) == (luton_team[0], True)
        assert "LOCKED" in text_of(screen, "details")

        await cursor_to(pilot, screen, CHURCH)
        team, _ = assignment(screen, CHURCH) or ("", False)
        assert team in ("bravo", "charlie")
        await pick_team(pilot, "alpha")
        assert "Cannot move to alpha: skills: alpha has no detective" in note(screen)
        assert assignment(screen, CHURCH) == (team, False)

        other = "charlie" if team == "bravo" else "bravo"
        await pick_team(pilot, other)
        assert assignment(screen, CHURCH) == (other, True)
        assert f"moved to {other}" in note(screen)
        assert screen.query_one(WeekGrid).current_visit == CHURCH  # the cursor followed it

        await pilot.press("r")
        await settle(pilot)
        assert assignment(screen, CHURCH) == (other, True)
        assert assignment(screen, LUTON) == (luton_team[0], True)
        assert "keeping 2 locked" not in note(screen)  # the solve's own note gave way
        assert "Solved playbooks/week.yaml" in note(screen)


async def test_export_writes_the_operation_and_it_passes_the_check(
    plan_app: FieldkitApp, plan_ws: Workspace
) -> None:
    async with plan_app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        await cursor_to(pilot, screen, LUTON)
        await pilot.press("l", "e")
        await pilot.pause()
        target = plan_ws.ops / OP / "plan.json"
        assert target.is_file()
        assert f"Written ops/{OP}/" in note(screen)
        doc, book, warnings = load_plan_file(target, plan_ws.root)
        assert check_plan(doc, book) == [] and warnings == []
        assert [a["visit"] for a in doc["assignments"] if a["locked"]] == [LUTON]
        assert (plan_ws.ops / OP / "briefing.md").is_file()
        sources = screen.query_one("#sources", OptionList)
        labels = [str(sources.get_option_at_index(i).prompt) for i in range(sources.option_count)]
        assert f"ops/{OP}/plan.json" in labels


async def test_an_exported_plan_opens_with_its_locks(planned_ws: Workspace) -> None:
    async with make_app(planned_ws).run_test(size=SIZE) as pilot:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        assert screen.session is not None and screen.session.op == OP
        assert len(screen.session.plan.assignments) == 22
        assert NOBODY in text_of(screen, "unassigned")
        assert f"Opened ops/{OP}/plan.json" in note(screen)


async def test_broken_sources_are_shown_not_raised(app: FieldkitApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "ops/barnet-2023/plan.json")
        assert "not a fieldkit plan" in note(screen) and screen.session is None
        screen = await choose(pilot, "playbooks/broken.yaml")
        assert "broken.yaml" in note(screen) and screen.session is None
        await pilot.press("e", "r", "l")  # nothing to act on: no error
        await pilot.pause()
        assert screen.session is None


async def test_quick_exit_from_plan_mode_and_nothing_shows_through(
    plan_app: FieldkitApp, plan_ws: Workspace
) -> None:
    (plan_ws.playbooks / "broken.yaml").write_text("version: 1\n", encoding="utf-8")
    async with plan_app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        await cursor_to(pilot, screen, LUTON)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NeutralScreen)
        # a solve that ends (here in failure) while covered puts no toast over the cover
        toasts: list[str] = []
        plan_app.notify = lambda message, **_: toasts.append(message)  # type: ignore[method-assign,assignment]
        screen.start_solve(plan_ws.playbooks / "broken.yaml", None, None)
        await settle(pilot)
        assert "broken.yaml" in note(screen) and toasts == []
        assert isinstance(pilot.app.screen, NeutralScreen)
        shown = visible_text(plan_app).lower()
        assert not [word for word in FORBIDDEN_ON_COVER if word in shown]


def test_plan_grid_snapshot(planned_ws: Workspace, snap_compare: Any) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await choose(pilot, f"ops/{OP}/plan.json")

    assert snap_compare(make_app(planned_ws), terminal_size=(110, 40), run_before=show)


def test_plan_details_snapshot(planned_ws: Workspace, snap_compare: Any) -> None:
    async def show(pilot: Pilot[None]) -> None:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        await cursor_to(pilot, screen, LUTON)
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(make_app(planned_ws), terminal_size=(110, 40), run_before=show)
