"""Plan mode while it solves: the objective shown improves, and `s` stops the search and keeps
the best plan found so far."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.progress import ProgressCallback, SolveProgress
from fieldkit.tui import make_app
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.tui.services import AppServices
from tests.support.paths import BARNET
from tests.support.plan_screen import choose, make_ws, open_plan
from tests.support.tui import SIZE, settle, visible_text


def note(screen: PlanMode) -> str:
    return str(screen.query_one("#solve-note", Static).content)


async def test_the_objective_shown_changes_as_the_solve_improves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    original = PlanMode._progress

    def record(self: PlanMode, p: SolveProgress) -> None:
        original(self, p)
        shown.append(note(self))

    monkeypatch.setattr(PlanMode, "_progress", record)
    app = make_app(make_ws(tmp_path / "ws"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        assert screen.session is not None and screen.session.plan.solver.status == "OPTIMAL"
    objectives = [re.search(r"objective ([\d,]+), bound ([\d,]+) \(gap", s) for s in shown]
    assert all(objectives), shown
    assert len({m.group(1) for m in objectives if m}) >= 2  # it changed while solving
    assert all("s stops and keeps this plan" in s for s in shown)


async def test_s_stops_the_solve_and_keeps_a_valid_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_ws(tmp_path / "ws")
    shutil.copy(BARNET, ws.playbooks / "barnet.yaml")
    first, pressed = threading.Event(), threading.Event()
    original = AppServices.solve_plan

    def solve_plan(self: AppServices, *args: Any, progress: ProgressCallback, **kw: Any) -> Any:
        def held(p: SolveProgress) -> None:
            progress(p)
            first.set()
            pressed.wait(timeout=120)  # the search waits at its first plan for the lead's key

        return original(self, *args, progress=held, **kw)

    monkeypatch.setattr(AppServices, "solve_plan", solve_plan)
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        screen.time_limit = 600
        sources = screen.query_one("#sources", OptionList)
        labels = [str(sources.get_option_at_index(i).prompt) for i in range(sources.option_count)]
        sources.focus()
        sources.highlighted = labels.index("playbooks/barnet.yaml")
        await pilot.press("enter")
        for _ in range(2400):
            if first.is_set():
                break
            await pilot.pause(0.05)
        assert first.is_set()
        await pilot.pause()
        assert screen.check_action("stop", ())
        assert "Stop, keep best" in visible_text(app)  # the footer says which key
        await pilot.press("s")
        pressed.set()
        await settle(pilot)
        assert screen.session is not None
        plan = screen.session.plan
        assert "Stopped early playbooks/barnet.yaml" in note(screen)
        assert plan.solver.status != "OPTIMAL"
        assert plan.assignments
        assert check_plan(plan_dict(plan, str(BARNET), "0" * 64), plan.playbook) == []
        assert not screen.check_action("stop", ())  # nothing left to stop
        assert "Stop, keep best" not in visible_text(app)


async def test_a_bound_not_known_yet_is_not_shown_as_a_gap(tmp_path: Path) -> None:
    # a large operation's bound is worked out beside the plan: until it comes, progress says so
    app = make_app(make_ws(tmp_path / "ws"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, "playbooks/week.yaml")
        screen._progress(SolveProgress(1_234_567, 0, 1.0, 3))
        shown = note(screen)
        assert "objective 1,234,567, bound still being worked out" in shown
        assert "gap" not in shown and "s stops and keeps this plan" in shown
        screen._progress(SolveProgress(1_234_567, 1_250_000, 2.0, 4))
        assert "bound 1,250,000 (gap 1.23%)" in note(screen)
        await settle(pilot)
