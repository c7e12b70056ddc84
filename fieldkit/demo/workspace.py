"""The demo's workspace: a new folder (or an empty one, or a workspace without the demo's data)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fieldkit.errors import UserError
from fieldkit.workspace import Workspace, init_workspace, is_workspace, shipped_playbooks

PLAYBOOK = "barnet-week-of-action.yaml"
OPERATION = "barnet-2023"


class DemoError(UserError):
    """The demo cannot start here (exit 2)."""


class DemoFailed(UserError):
    """A step of the demo did not do what it should: a bug somewhere, so exit 1."""

    exit_code = 1


def prepare_workspace(root: Path) -> Workspace:
    """A workspace at `root` for the demo: new, empty, or one without the demo's data yet."""
    shown = str(root)
    if root.exists() and not root.is_dir():
        raise DemoError(f"{shown} exists and is not a folder; give --workspace a new folder")
    if root.is_dir() and any(root.iterdir()) and not is_workspace(root):
        raise DemoError(
            f"{shown} is not empty and is not a fieldkit workspace; the demo writes only into "
            "a new folder, an empty one or a workspace: give --workspace a new folder"
        )
    if is_workspace(root):
        taken = [
            p
            for p in (root / "ops" / OPERATION, root / "maps" / OPERATION, root / "sync/central.db")
            if p.exists()
        ]
        if taken:
            names = ", ".join(Workspace(root).shown(p) for p in taken)
            raise DemoError(
                f"{shown} already holds the demo operation ({names}); the demo never "
                "overwrites a workspace's data: give --workspace a new folder"
            )
    ws, _ = init_workspace(root)
    target = ws.playbooks / PLAYBOOK
    if not target.exists():
        source = next((p for p in shipped_playbooks() if p.name == PLAYBOOK), None)
        if source is None:
            raise DemoFailed(f"the shipped playbook {PLAYBOOK} is missing from fieldkit")
        shutil.copyfile(source, target)
    return ws
