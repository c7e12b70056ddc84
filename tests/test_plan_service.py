"""The front door to plan a playbook: what it writes and reports, its progress, its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.errors import UserError
from fieldkit.plan.locks import Lock
from fieldkit.plan.progress import SolveProgress
from fieldkit.plan.service import PlanOptions, plan_playbook, solve_playbook, write_operation
from fieldkit.workspace import Workspace
from tests.support.playbooks import small_barnet, write_playbook


@pytest.fixture
def playbook(workspace: Workspace) -> Path:
    return write_playbook(workspace.root, "small", small_barnet())


def test_plan_playbook_writes_the_folder_and_says_what_it_wrote(
    workspace: Workspace, playbook: Path
) -> None:
    seen: list[SolveProgress] = []
    result = plan_playbook(
        workspace, playbook, PlanOptions(op="week", time_limit=5), progress=seen.append
    )
    folder = workspace.ops / "week"
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert result.folder == folder and result.shown == "ops/week"
    assert result.files == on_disk
    assert json.loads((folder / "plan.json").read_text(encoding="utf-8")) == result.doc
    solver = result.solver
    assert solver["total_visits"] == len(result.session.plan.visits)
    assert solver["covered_visits"] == len(result.session.plan.assignments)
    assert sorted(result.unassigned) == sorted(result.session.plan.unassigned)
    assert result.session.op == "week" and result.session.source == "playbooks/small.yaml"
    assert seen, "the progress callback was never called"
    assert [p.solutions for p in seen] == sorted(p.solutions for p in seen)


def test_the_operation_defaults_to_the_playbooks_id(workspace: Workspace, playbook: Path) -> None:
    result = plan_playbook(workspace, playbook, PlanOptions(time_limit=5))
    assert result.session.op == small_barnet()["operation"]["id"]
    assert result.shown == f"ops/{result.session.op}"


def test_solving_writes_nothing_until_asked(workspace: Workspace, playbook: Path) -> None:
    session = solve_playbook(workspace, playbook, PlanOptions(op="later", time_limit=5))
    assert not (workspace.ops / "later").exists()
    written = write_operation(workspace, session)
    assert (workspace.ops / "later" / "plan.json").is_file()
    assert "plan.json" in written.files


def test_locked_assignments_are_kept(workspace: Workspace, playbook: Path) -> None:
    first = solve_playbook(workspace, playbook, PlanOptions(time_limit=5)).plan.assignments[0]
    lock = Lock(first.visit, first.team, first.start)
    again = solve_playbook(workspace, playbook, PlanOptions(time_limit=5, locks=[lock]))
    kept = [a for a in again.plan.assignments if a.visit == first.visit]
    assert [(a.team, a.start, a.locked) for a in kept] == [(first.team, first.start, True)]


@pytest.mark.parametrize(
    ("options", "name", "message"),
    [
        (PlanOptions(), "missing.yaml", "no such playbook file"),
        (PlanOptions(op="../away"), "small.yaml", "is not a folder name"),
        (PlanOptions(lock_file=Path("no-locks.yaml")), "small.yaml", "no-locks.yaml"),
    ],
)
def test_refusals_write_nothing(
    workspace: Workspace, playbook: Path, options: PlanOptions, name: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        plan_playbook(workspace, playbook.parent / name, options)
    assert not [p for p in workspace.ops.iterdir() if p.is_dir()]


def test_a_path_is_shown_relative_to_the_workspace(tmp_path: Path) -> None:
    ws = Workspace(tmp_path.resolve())
    assert ws.shown(ws.ops / "week" / "plan.json") == "ops/week/plan.json"
    assert ws.shown(ws.root) == "."
    outside = tmp_path.parent / "elsewhere.yaml"
    assert ws.shown(outside) == str(outside)
