"""Plan mode as its tests drive it: a cut-down Barnet week, solved and written, and the way to
open a plan in the mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from fieldkit.plan.service import PlanOptions, solve_playbook, write_operation
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.workspace import FOLDERS, Workspace
from tests.support.playbooks import small_barnet, write_playbook
from tests.support.tui import settle

OP = "barnet-2023"


def week_playbook() -> dict[str, Any]:
    """Barnet cut down (optimal in a blink); the church visits need a detective (bravo and
    charlie have one); an interpreted talk nobody can give."""
    data = small_barnet()
    for activity in data["activities"]:
        if activity["id"] == "church-sermons":
            activity["requires"]["skills"] = ["romanian_speaker", "detective"]
    data["activities"].append(
        {
            "id": "interpreted",
            "name": "Interpreted talk at the night shelter",
            "venues": ["shelter-hendon"],
            "when": [{"days": ["mon"], "from": "10:00", "to": "12:00"}],
            "duration": 60,
            "requires": {"skills": ["interpreter"]},
            "priority": 2,
        }
    )
    return data


def make_ws(root: Path) -> Workspace:
    for name in FOLDERS:
        (root / name).mkdir(parents=True)
    write_playbook(root, "week", week_playbook())
    return Workspace(root)


def planned(plan_ws: Workspace) -> Workspace:
    """The workspace with ops/barnet-2023/plan.json of a fixed (optimal, seed 0) solve."""
    session = solve_playbook(plan_ws, plan_ws.playbooks / "week.yaml", PlanOptions(time_limit=5))
    assert session.plan.solver.status == "OPTIMAL"
    session.plan.solver.seconds = 0.5  # the solve's own time would differ from run to run
    write_operation(plan_ws, session)
    return plan_ws


async def open_plan(pilot: Pilot[None]) -> PlanMode:
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanMode)
    screen.time_limit = 2
    return screen


async def choose(pilot: Pilot[None], label: str) -> PlanMode:
    """Pick a source by its label in the list, by keyboard, and wait for the worker."""
    screen = await open_plan(pilot)
    sources = screen.query_one("#sources", OptionList)
    labels = [str(sources.get_option_at_index(i).prompt) for i in range(sources.option_count)]
    sources.focus()
    sources.highlighted = 0
    await pilot.press(*["down"] * labels.index(label), "enter")
    await settle(pilot)
    return screen
