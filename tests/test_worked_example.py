"""The repository's worked example lives in docs/examples/, where the kit never writes; the
generated folders (ops/, sync/, maps/) hold nothing tracked but their READMEs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fieldkit.field.loadout import read_loadout
from fieldkit.plan.export_json import sha256_file
from fieldkit.workspace import init_workspace
from tests.support.cli import fieldkit
from tests.support.paths import BARNET, ROOT

EXAMPLE = ROOT / "docs" / "examples" / "barnet-2023"
GENERATED = ("ops", "sync", "maps")


def git(*args: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing tracked to check")
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_only_the_readmes_of_the_generated_folders_are_tracked() -> None:
    readmes = [f"{folder}/README.md" for folder in sorted(GENERATED)]
    assert sorted(git("ls-files", "--", *GENERATED)) == readmes


def test_what_the_kit_writes_there_is_ignored() -> None:
    written = [
        "ops/barnet-2023/plan.json",
        "ops/barnet-2023/loadouts/alpha.json",
        "ops/barnet-2023/credentials/alpha-pc-hughes.json",
        "ops/barnet-2023/devices/alpha-1/device/device.key",
        "ops/.geocode-cache.json",
        "sync/central.db",
        "sync/central.key",
        "sync/bundles/alpha.zip",
        "maps/barnet-2023/engagements.csv",
    ]
    assert sorted(git("check-ignore", "--no-index", *written)) == sorted(written)
    kept = subprocess.run(
        ["git", "check-ignore", "--no-index", *(f"{f}/README.md" for f in GENERATED)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert kept.returncode == 1 and not kept.stdout  # the READMEs are not ignored


def test_the_worked_example_passes_plan_check() -> None:
    done = fieldkit("plan", "check", "docs/examples/barnet-2023/plan.json", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "keep every hard rule" in " ".join(done.stdout.split())
    assert "warning" not in done.stderr  # made from the playbook as it is now


def _shape(folder: Path) -> dict[str, Any]:
    """What does not depend on the solver's choices: files, teams, visits, formats, keys."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    loadouts = {p.stem: read_loadout(p) for p in sorted((folder / "loadouts").glob("*.json"))}
    return {
        "files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()),
        "format": plan["format"],
        "keys": sorted(plan),
        "teams": [t["id"] for t in plan["teams"]],
        "visits": sorted(v["id"] for v in plan["visits"]),
        "playbook": plan["playbook"],
        "loadouts": {
            team: (lo.operation, lo.team, sorted(lo.data)) for team, lo in loadouts.items()
        },
    }


def test_the_worked_example_is_what_plan_writes_today(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    done = fieldkit("plan", "playbooks/barnet-week-of-action.yaml", "--seed", "0",
                    "--time-limit", "10", cwd=ws.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    fresh, example = _shape(ws.ops / "barnet-2023"), _shape(EXAMPLE)
    assert example == fresh, (
        "docs/examples/barnet-2023/ is out of date: regenerate it with "
        "`fieldkit plan playbooks/barnet-week-of-action.yaml --seed 0` and copy ops/barnet-2023/"
    )
    assert example["playbook"]["sha256"] == sha256_file(BARNET)
    for path in (EXAMPLE / "loadouts").glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["central"] is None  # no credential
