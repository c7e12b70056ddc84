"""`fieldkit map` and `fieldkit report`: files written, operations resolved, empty data, demo."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from fieldkit.cli import main
from fieldkit.workspace import Workspace
from tests.maps_data import OP, SECRET_NOTE, make_workspace

ROOT = Path(__file__).resolve().parents[1]
BARNET = ROOT / "playbooks" / "barnet-week-of-action.yaml"


def run(ws: Workspace, *args: str) -> tuple[int, str, str]:
    """The entry point's main() in process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main([*args, "--workspace", str(ws.root)])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def outside_links(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html)
    return [t for t in tags if re.search(r"(?:src|href)=[\"'](?:https?:)?//", t)]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("cli") / "ws")


def test_map_writes_the_map_and_the_exports(ws: Workspace) -> None:
    code, out, err = run(ws, "map")
    assert code == 0, err
    folder = ws.maps / OP
    for name in ("hotspots.html", "cells.geojson", "venues.geojson", "engagements.csv",
                 "partner-share.csv", "partner-share.json"):  # fmt: skip
        assert (folder / name).is_file(), name
    html = (folder / "hotspots.html").read_text(encoding="utf-8")
    assert outside_links(html) == [] and SECRET_NOTE not in html
    assert "Test week of action (testop)" in html
    assert "reading plan and records" in err and "rendering map" in err  # progress on stderr
    assert "hotspots.html" in out


def test_map_out_and_points(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "m.html"
    code, _, err = run(ws, "map", OP, "--out", str(target), "--points", "--fdr")
    assert code == 0, err
    assert "Engagements (individual points)" in target.read_text(encoding="utf-8")


def test_report_json_matches_summary_file(ws: Workspace) -> None:
    code, out, err = run(ws, "report", OP, "--json")
    assert code == 0, err
    printed = json.loads(out)
    saved = json.loads((ws.maps / OP / "summary.json").read_text(encoding="utf-8"))
    assert printed == saved
    assert printed["totals"]["engagements"] == 38
    assert (ws.maps / OP / "report.html").is_file()
    code, out, _ = run(ws, "report")
    assert code == 0 and "38 engagement(s)" in out and "4 of 6 planned visits done" in out


def test_unknown_or_ambiguous_operation_exits_2(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    for command in ("map", "report"):
        code, _, err = run(ws, command, "nope")
        assert code == 2 and "testop" in err and "Traceback" not in err
    (ws.ops / "second").mkdir()
    (ws.ops / "second" / "plan.json").write_text("{}", encoding="utf-8")
    code, _, err = run(ws, "map")
    assert code == 2 and "second, testop" in err
    code, _, err = run(ws, "report", "second")
    assert code == 2 and "not a plan" in err


def test_empty_operation_still_renders(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    code, _, err = run(ws, "map")
    assert code == 0, err
    html = (ws.maps / OP / "hotspots.html").read_text(encoding="utf-8")
    assert "No engagements recorded for this operation yet" in html
    code, out, err = run(ws, "report")
    assert code == 0, err
    assert "no engagements recorded" in out
    report = (ws.maps / OP / "report.html").read_text(encoding="utf-8")
    assert "No engagements recorded for this operation yet" in report


def test_demo_pipeline_plan_simulate_ingest_map(tmp_path: Path) -> None:
    """The real parts end to end: plan the Barnet playbook, simulate devices, ingest, map."""
    from fieldkit.central.ingest import ingest
    from fieldkit.central.plans import publish
    from fieldkit.central.store import Central
    from fieldkit.field.device import Device

    root = tmp_path / "ws"
    fk = [sys.executable, "-m", "fieldkit"]
    subprocess.run([*fk, "init", str(root)], check=True, capture_output=True)
    subprocess.run(
        [*fk, "plan", str(BARNET), "--time-limit", "1", "--workspace", str(root)],
        check=True, capture_output=True,
    )  # fmt: skip
    ws = Workspace(root)
    (op,) = ws.operations()
    subprocess.run(
        [*fk, "simulate", op, "--devices", "2", "--engagements", "20", "--seed", "3",
         "--workspace", str(root)],
        check=True, capture_output=True,
    )  # fmt: skip
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
    done = subprocess.run(
        [*fk, "report", "--json", "--workspace", str(root)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["totals"]["engagements"] == 40
    assert summary["data_quality"]["problems"] == []
    code, _, err = run(ws, "map")
    assert code == 0, err
    assert (ws.maps / op / "hotspots.html").stat().st_size > 10_000
