"""The fieldkit command through its entry point, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import fieldkit
from tests.support.paths import PLAYBOOKS


def test_shipped_playbooks_check_ok() -> None:
    files = sorted(str(p) for p in PLAYBOOKS.glob("*.yaml"))
    assert files
    result = fieldkit("playbook", "check", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == len(files)


def test_schema_file_matches_command() -> None:
    result = fieldkit("playbook", "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "fieldkit playbook"
    assert (PLAYBOOKS / "playbook.schema.json").read_text(encoding="utf-8") == result.stdout


def test_init_makes_workspace_with_playbooks(tmp_path: Path) -> None:
    result = fieldkit("init", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr
    for folder in ("playbooks", "ops", "maps", "sync"):
        assert (tmp_path / "new" / folder / "README.md").is_file()
    assert (tmp_path / "new" / "playbooks" / "barnet-week-of-action.yaml").is_file()


def test_outside_workspace_says_so(tmp_path: Path) -> None:
    result = fieldkit("--workspace", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a fieldkit workspace" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_usage_error() -> None:
    result = fieldkit("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
