"""Shared fixtures: the repository's own playbooks and fresh workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOKS = ROOT / "playbooks"
BARNET = PLAYBOOKS / "barnet-week-of-action.yaml"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace with the shipped playbooks."""
    ws, _ = init_workspace(tmp_path / "ws")
    return ws
