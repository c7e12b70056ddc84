"""The device's end of sync never loads central's code: each of its modules is imported in a
fresh interpreter and sys.modules is checked after every import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fieldkit
from tests.support.paths import ROOT

PACKAGE = Path(fieldkit.__file__).resolve().parent

PROBE = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.startswith("fieldkit.central"))
    if loaded:
        found[name] = loaded
        break
print(json.dumps(found))
"""


def modules_under(*folders: str) -> list[str]:
    names = []
    for folder in folders:
        for file in sorted((PACKAGE / folder).rglob("*.py")):
            parts = file.relative_to(PACKAGE).with_suffix("").parts
            names.append(
                ".".join(("fieldkit", *(parts[:-1] if parts[-1] == "__init__" else parts)))
            )
    return names


def central_loaded_by(modules: list[str]) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, list[str]] = json.loads(done.stdout)
    return found


def test_the_device_end_and_the_wire_never_load_central() -> None:
    modules = modules_under("sync", "field", "wire")
    assert "fieldkit.sync.client" in modules and "fieldkit.wire.keys" in modules
    assert central_loaded_by(modules) == {}


def test_the_probe_sees_central() -> None:
    """The check itself works: importing central's store is seen."""
    assert central_loaded_by(["fieldkit.sync", "fieldkit.central.store"]) == {
        "fieldkit.central.store": [
            "fieldkit.central",
            "fieldkit.central.devices",
            "fieldkit.central.errors",
            "fieldkit.central.reading",
            "fieldkit.central.schema",
            "fieldkit.central.store",
            "fieldkit.central.store_base",
            "fieldkit.central.unlock",
        ]
    }
