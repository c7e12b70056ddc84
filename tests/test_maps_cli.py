"""`fieldkit map` and `fieldkit report`: files written, operations resolved, empty data, demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fieldkit.workspace import Workspace
from tests.support.cli import fieldkit, fieldkit_ok, invoke
from tests.support.operation import OP, SECRET_NOTE, make_workspace
from tests.support.paths import BARNET


def outside_links(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html)
    return [t for t in tags if re.search(r"(?:src|href)=[\"'](?:https?:)?//", t)]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("cli") / "ws")


def test_map_writes_the_map_and_the_exports(ws: Workspace) -> None:
    done = invoke("map", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    folder = ws.maps / OP
    for name in ("hotspots.html", "cells.geojson", "venues.geojson", "engagements.csv",
                 "partner-share.csv", "partner-share.json"):  # fmt: skip
        assert (folder / name).is_file(), name
    html = (folder / "hotspots.html").read_text(encoding="utf-8")
    assert outside_links(html) == [] and SECRET_NOTE not in html
    assert "Test week of action (testop)" in html
    progress = done.stderr  # progress goes to stderr
    assert "reading plan and records" in progress and "rendering map" in progress
    assert "hotspots.html" in done.stdout


def test_map_out_and_points(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "m.html"
    done = invoke("map", OP, "--out", str(target), "--points", "--fdr", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert "Engagements (individual points)" in target.read_text(encoding="utf-8")


def test_report_json_matches_summary_file(ws: Workspace) -> None:
    done = invoke("report", OP, "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    saved = json.loads((ws.maps / OP / "summary.json").read_text(encoding="utf-8"))
    assert printed == saved
    assert printed["totals"]["engagements"] == 38
    assert (ws.maps / OP / "report.html").is_file()
    done = invoke("report", "--workspace", ws.root)
    out = done.stdout
    assert (
        done.returncode == 0 and "38 engagement(s)" in out and "4 of 6 planned visits done" in out
    )


def test_unknown_or_ambiguous_operation_exits_2(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    for command in ("map", "report"):
        done = invoke(command, "nope", "--workspace", ws.root)
        assert done.returncode == 2 and "testop" in done.stderr and "Traceback" not in done.stderr
    (ws.ops / "second").mkdir()
    (ws.ops / "second" / "plan.json").write_text("{}", encoding="utf-8")
    done = invoke("map", "--workspace", ws.root)
    assert done.returncode == 2 and "second, testop" in done.stderr
    done = invoke("report", "second", "--workspace", ws.root)
    assert done.returncode == 2 and "not a plan" in done.stderr


def test_empty_operation_still_renders(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    done = invoke("map", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    html = (ws.maps / OP / "hotspots.html").read_text(encoding="utf-8")
    assert "No engagements recorded for this operation yet" in html
    done = invoke("report", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert "no engagements recorded" in done.stdout
    report = (ws.maps / OP / "report.html").read_text(encoding="utf-8")
    assert "No engagements recorded for this operation yet" in report


def test_demo_pipeline_plan_simulate_ingest_map(tmp_path: Path) -> None:
    """The real parts end to end: plan the Barnet playbook, simulate devices, ingest, map."""
    from fieldkit.central.ingest import ingest
    from fieldkit.central.plans import publish
    from fieldkit.central.store import Central
    from fieldkit.field.device import Device

    root = tmp_path / "ws"
    fieldkit_ok("init", str(root))
    fieldkit_ok("plan", str(BARNET), "--time-limit", "1", "--workspace", str(root))
    ws = Workspace(root)
    (op,) = ws.operations()
    fieldkit_ok("simulate", op, "--devices", "2", "--engagements", "20", "--seed", "3",
                "--workspace", str(root))  # fmt: skip
    with Central(ws.sync / "central.db", create=True) as central:
        publish(central, ws.ops)  # as `central init` does: the plan the records are checked on
        for folder in sorted(p for p in (ws.ops / op / "devices").iterdir() if p.is_dir()):
            with Device.open(folder) as dev:
                cid, _ = central.enroll_device(dev.loadout.team, op, dev.officer, dev.id)
                row = central.device_row(cid)
                assert row is not None
                central.bind(row, dev.id, dev.public_key)
                records = [r.to_dict() for r, _ in dev.records(history=True)]
                ingest(central, dev.id, dev.public_key, records)
    done = fieldkit("report", "--json", "--workspace", str(root))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["totals"]["engagements"] == 40
    assert summary["data_quality"]["problems"] == []
    done = invoke("map", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert (ws.maps / op / "hotspots.html").stat().st_size > 10_000
