"""A playbook checked as the screens show it: its problems, a status word, its path."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from fieldkit.errors import UserError
from fieldkit.i18n import _, ngettext
from fieldkit.playbook import Problem, check_playbook
from fieldkit.workspace import Workspace


def status_text(problems: list[Problem]) -> Text:
    """'valid', or how many problems a playbook has."""
    if not problems:
        return Text(_("valid"), style="bold green")
    count = len(problems)
    words = ngettext("{count} problem", "{count} problems", count).format(count=count)
    return Text(words, style="bold red")


def workspace_label(workspace: Workspace, path: Path) -> str:
    """A path as the officer knows it: relative to the workspace (playbooks/x.yaml)."""
    try:
        return str(path.relative_to(workspace.root))
    except ValueError:
        return str(path)


def check_file(workspace: Workspace, path: Path) -> list[Problem]:
    """Every problem of one playbook; an unreadable file is one problem, not a crash."""
    label = workspace_label(workspace, path)
    try:
        return check_playbook(path, label)
    except UserError as exc:
        return [Problem(label, 1, 1, str(exc))]
