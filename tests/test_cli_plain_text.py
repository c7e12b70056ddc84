"""The CLI prints data as plain text: markup in a playbook or a record is shown, never obeyed.

A playbook names its operation, teams and venues with Rich markup; devices bound on central
under names holding markup store records, amend one record both (a conflict), and send records
central refuses, whose reasons quote the markup. Every command that shows them exits 0 and
prints the text as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central, central_path
from fieldkit.field.ids import uuid7
from fieldkit.field.keys import DeviceKey
from fieldkit.workspace import Workspace, init_workspace
from tests.support import records as hostile
from tests.support.cli import WIDE, fieldkit, fieldkit_ok
from tests.support.paths import BARNET

OP_NAME = "[/bold]x Barnet [red]week[/red] :warning: [link=http://x]"
TEAM_NAME = "[/]Alpha [blink]"
VENUE_NAME = "[/bold]car wash[b"
DEVICE_A, DEVICE_B = "[/bold]x", "[red]b[/red]"


def hostile_playbook(ws: Workspace) -> Path:
    text = BARNET.read_text(encoding="utf-8")
    for old, new in (
        ("name: Barnet week of action against modern slavery", f"name: '{OP_NAME}'"),
        ("name: Alpha (Barnet neighbourhood + ANITP)", f"name: '{TEAM_NAME}'"),
        ('name: "Hand car wash, Edgware Road NW9"', f"name: '{VENUE_NAME}'"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = ws.playbooks / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def bind(store: Central, team: str, officer: str, device: str, key: DeviceKey) -> None:
    cred, _ = store.enroll_device(team, "barnet-2023", officer)
    store.bind(store.device_row(cred) or {}, device, key.public_hex)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    ws, _ = init_workspace(tmp_path_factory.mktemp("plain") / "ws")
    playbook = hostile_playbook(ws)
    # Checked by its own test; the plan is written before its summary is printed.
    planned = fieldkit(
        "plan", str(playbook), "--time-limit", "2", "--workspace", str(ws.root), env=WIDE
    )
    fieldkit_ok("central", "init", "--workspace", str(ws.root), env=WIDE)
    key_a, key_b = DeviceKey.generate(), DeviceKey.generate()
    a = hostile.record(DEVICE_A, "barnet-2023", "alpha", "pc-okafor", venue_type="church")
    first, _ = hostile.seal(a, key_a)
    mine, _ = hostile.seal(
        {**a, "id": uuid7(), "amends": first["id"], "prev_hash": first["hash"]}, key_a
    )
    b = hostile.record(DEVICE_B, "barnet-2023", "bravo", "dc-patel", amends=first["id"])
    theirs, _ = hostile.seal(b, key_b)
    refused, _ = hostile.seal(
        {**b, "id": uuid7(), "venue": "[/bold]x", "prev_hash": theirs["hash"]}, key_b
    )
    malformed, _ = hostile.seal({**b, "id": "[/bold]x[red]"}, key_b)
    with Central(central_path(ws.sync)) as store:
        # Bound through the Python API (as a store from before device ids were checked).
        bind(store, "alpha", "pc-okafor", DEVICE_A, key_a)
        bind(store, "bravo", "dc-patel", DEVICE_B, key_b)
        ingest(store, DEVICE_A, key_a.public_hex, [first, mine])
        result = ingest(store, DEVICE_B, key_b.public_hex, [theirs, refused, malformed])
        assert [r["kind"] for r in result.rejected] == ["malformed", "content"]
        assert len(store.conflicts()) == 1
    yield {"ws": ws, "planned": planned, "first": first}


def test_plan_prints_the_operation_name_as_written(workspace: dict[str, Any]) -> None:
    planned = workspace["planned"]
    assert planned.returncode == 0, planned.stderr
    assert OP_NAME in planned.stdout


def test_central_status_shows_devices_and_problems_as_written(
    workspace: dict[str, Any],
) -> None:
    out = fieldkit_ok(
        "central", "status", "--workspace", str(workspace["ws"].root), env=WIDE
    ).stdout
    assert DEVICE_A in out and DEVICE_B in out
    assert 'venue "[/bold]x" is not in the operation\'s plan' in out
    assert 'id "[/bold]x[red]" is not a UUID' in out


def test_central_conflicts_shows_device_names_as_written(workspace: dict[str, Any]) -> None:
    out = fieldkit_ok(
        "central", "conflicts", "--workspace", str(workspace["ws"].root), env=WIDE
    ).stdout
    assert f"amended by {DEVICE_A} (" in out and f"and by {DEVICE_B} (" in out


def test_report_map_and_plan_check_run(workspace: dict[str, Any]) -> None:
    root = str(workspace["ws"].root)
    assert "engagement(s)" in fieldkit_ok("report", "--workspace", root, env=WIDE).stdout
    assert "map:" in fieldkit_ok("map", "--workspace", root, env=WIDE).stdout
    fieldkit_ok("plan", "check", str(workspace["ws"].ops / "barnet-2023" / "plan.json"), env=WIDE)


def test_a_device_of_the_hostile_plan_logs_lists_and_syncs(
    workspace: dict[str, Any], tmp_path: Path
) -> None:
    ws = workspace["ws"]
    root = str(ws.root)
    issued = json.loads(
        fieldkit_ok("central", "enroll-device", "--team", "alpha", "--officer", "pc-hughes",
                    "--json", "--workspace", root, env=WIDE).stdout
    )  # fmt: skip
    dev = tmp_path / "dev"
    fieldkit_ok(
        "device",
        "enroll",
        issued["loadout"],
        "--credential",
        issued["credential_file"],
        "--workspace",
        str(dev),
        env=WIDE,
    )
    assert "alpha" in fieldkit_ok("device", "info", "--workspace", str(dev), env=WIDE).stdout
    fieldkit_ok("log", "add", "--time", "2023-09-26T19:30+01:00", "--venue",
                "carwash-edgware-road", "--outcome", "leaflet_given", "--notes", "[/bold]",
                "--workspace", str(dev), env=WIDE)  # fmt: skip
    assert "1 engagement(s)" in fieldkit_ok("log", "list", "--workspace", str(dev), env=WIDE).stdout
    bundle = tmp_path / "dev.bundle"
    fieldkit_ok("sync", "--export-bundle", str(bundle), "--workspace", str(dev), env=WIDE)
    out = fieldkit_ok("central", "import-bundle", str(bundle), "--workspace", root, env=WIDE).stdout
    assert "1 new record(s)" in out
