"""The headless core never loads textual: each core module, with all its submodules, is imported
in a fresh interpreter and sys.modules is checked after every import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fieldkit
from tests.support.paths import ROOT

PACKAGE = Path(fieldkit.__file__).resolve().parent
ALWAYS = ("codes", "playbook", "workspace")
WHEN_PRESENT = ("plan", "field", "sync", "central", "wire", "maps", "model")

PROBE = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
    if heavy:
        found[name] = heavy
        break
print(json.dumps(found))
"""


def core_units() -> list[str]:
    present = [
        name
        for name in WHEN_PRESENT
        if (PACKAGE / name / "__init__.py").is_file() or (PACKAGE / f"{name}.py").is_file()
    ]
    return [*ALWAYS, *present]


def modules_of(unit: str) -> list[str]:
    """The unit and every submodule under it, found from the files (nothing is imported)."""
    if (PACKAGE / f"{unit}.py").is_file():
        return [f"fieldkit.{unit}"]
    names = []
    for file in sorted((PACKAGE / unit).rglob("*.py")):
        parts = file.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("fieldkit", *parts)))
    return sorted(names, key=lambda n: (n.count("."), n))


def first_forbidden(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    code = PROBE.replace("FORBIDDEN", repr(set(forbidden)))
    result = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, list[str]] = json.loads(result.stdout)
    return found


def test_the_core_units_are_found() -> None:
    units = core_units()
    assert units[:3] == list(ALWAYS)
    assert "fieldkit.playbook.yamlread" in modules_of("playbook")
    assert modules_of("workspace") == ["fieldkit.workspace"]


@pytest.mark.parametrize("unit", core_units())
def test_core_never_imports_textual(unit: str) -> None:
    modules = modules_of(unit)
    assert modules
    assert first_forbidden(modules, ("textual",)) == {}


def test_the_command_line_loads_no_heavy_library() -> None:
    """`fieldkit --help` stays fast: commands import textual, ortools, folium... when run."""
    heavy = ("textual", "ortools", "folium", "fastapi", "uvicorn", "playwright")
    assert first_forbidden(["fieldkit.cli"], heavy) == {}


def test_the_probe_sees_textual() -> None:
    """The check itself works: importing textual is seen."""
    assert first_forbidden(["fieldkit.codes", "textual"], ("textual",))["textual"]
