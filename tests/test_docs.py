"""The docs tell the truth: every command is in the README, links resolve, examples are valid."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click

from fieldkit.cli import cli
from fieldkit.playbook import load_text
from tests.support.paths import PLAYBOOKS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(command: click.Command, prefix: str = "fieldkit") -> list[str]:
    """Every command a user can run: leaves, and groups that run without a subcommand."""
    if not isinstance(command, click.Group):
        return [prefix]
    paths = [prefix] if command.invoke_without_command else []
    for name, sub in command.commands.items():
        if not sub.hidden:
            paths += command_paths(sub, f"{prefix} {name}")
    return paths


def listed(path: str, rows: list[str]) -> bool:
    """A row documents `path` when it is the path, or the path followed by its arguments."""
    want = path.split()
    for row in rows:
        words = row.split()
        if words[: len(want)] == want and (
            len(words) == len(want) or not re.fullmatch(r"[a-z][a-z-]*", words[len(want)])
        ):
            return True
    return False


def test_every_command_is_in_the_command_reference() -> None:
    reference = README[README.index("## Command reference") :]
    rows = re.findall(r"^\| `(fieldkit[^`]*)`", reference, re.M)
    assert len(command_paths(cli)) > 20
    missing = [p for p in command_paths(cli) if not listed(p, rows)]
    assert not missing, f"commands missing from the README's command reference: {missing}"


def test_the_two_commands_come_first() -> None:
    blocks = re.findall(r"^    (\S.*)$", README, re.M)
    assert blocks[0] == "python -m pip install -e . && fieldkit demo"
    assert blocks[1].startswith("python -m pip install -e '.[test]' && python -m pytest")
    # .ci/run runs exactly the README's test command.
    found = subprocess.run(
        ["grep", "-m", "1", "-E", r"^    python -m pip install .*&& python -m pytest", "README.md"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == blocks[1]
    assert "grep -m 1 -E '^    python -m pip install .*&& python -m pytest' README.md" in (
        ROOT / ".ci" / "run"
    ).read_text(encoding="utf-8")


def test_links_and_images_resolve() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if target.startswith(("http://", "https://")):
                continue
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"


def test_playbook_guide_example_is_valid() -> None:
    guide = (PLAYBOOKS / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", guide, re.S)
    assert example, "playbooks/README.md has no ```yaml example"
    playbook = load_text(example.group(1), "playbooks/README.md example")
    assert playbook.teams and playbook.activities


def test_every_code_list_in_the_guide(tmp_path: Path) -> None:
    guide = (PLAYBOOKS / "README.md").read_text(encoding="utf-8")
    for section in ("operation", "partners", "roster", "teams", "rules", "venues", "activities",
                    "codes", "helplines", "leaflet"):  # fmt: skip
        assert f"`{section}" in guide, f"playbooks/README.md does not document `{section}`"
