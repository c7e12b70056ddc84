"""A small fixed workspace for the app's tests: the Barnet playbook, a broken one, one operation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.workspace import FOLDERS, Workspace

BARNET = Path(__file__).resolve().parents[2] / "playbooks" / "barnet-week-of-action.yaml"

BROKEN = """\
version: 1
operation:
  id: broken-op
  name: A playbook with mistakes
  start: 2023-09-24
  end: 2023-09-30
  timezone: Europe/London
  leader: DI Example
partners: [met_police]
"""
"""Fixed text: an unknown key on line 8 and missing sections; its problems come from the core."""

SIZE = (100, 32)

FORBIDDEN_ON_COVER = (
    "fieldkit",
    "playbook",
    "traffick",
    "slavery",
    "police",
    "patrol",
    "barnet",
    "operation",
    "quick exit",
    "workspace",
    "resume",
    "nrm",
    "broken",
    "problem",
    "plan",
    "review",
)
"""Words that must never be visible on the neutral screen (lower case)."""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    for name in FOLDERS:
        (root / name).mkdir(parents=True)
    shutil.copyfile(BARNET, root / "playbooks" / BARNET.name)
    (root / "playbooks" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (root / "ops" / "barnet-2023").mkdir()
    (root / "ops" / "barnet-2023" / "plan.json").write_text("{}\n", encoding="utf-8")
    return Workspace(root)


@pytest.fixture
def app(ws: Workspace) -> FieldkitApp:
    return make_app(ws)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker (playbook checks) finish and the screen refresh.

    On a loaded machine a worker may start only after the first pause, and its results arrive
    through call_from_thread: wait until none runs and no status still says "checking".
    """
    for _ in range(100):
        await pilot.pause()
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker replaced by a newer one (a refresh): it is done with
        await pilot.pause()
        busy = any(worker.is_running for worker in pilot.app.workers)
        if not busy and "checking" not in visible_text(pilot.app):
            return
        await pilot.pause(0.05)


def visible_text(app: App[None]) -> str:
    """Everything the terminal shows right now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
