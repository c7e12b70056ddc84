"""The house plan holds: the contracts of `lint-imports` (pyproject.toml) are kept, and no module
of fieldkit imports itself back through others, counting imports inside functions."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

import fieldkit

PACKAGE = "fieldkit"
ROOT = Path(fieldkit.__file__).parent
REPO = ROOT.parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported(path: Path, known: set[str]) -> set[str]:
    """Every module of the package that `path` imports: at the top, in functions, for typing."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from fieldkit.tui.plan import details` imports the module plan.details
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & known


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imported(path, known) - {name} for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that lies on one (depth first, in name order)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the path, "done" after

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "fieldkit.tui.app" in graph["fieldkit.tui"]  # imported inside make_app
    assert "fieldkit.field.outbox" in graph["fieldkit.field.device"]  # import a.b as c
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_cycle_in_fieldkit() -> None:
    found = cycles(import_graph())
    assert found == [], "\n".join(" -> ".join(cycle) for cycle in found)


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed")
def test_the_import_contracts_are_kept() -> None:
    done = subprocess.run(
        ["lint-imports", "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    kept = [line for line in done.stdout.splitlines() if line.startswith("Contracts:")]
    assert kept and " 0 broken" in kept[0] and not kept[0].startswith("Contracts: 0 kept"), kept
