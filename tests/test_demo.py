"""`fieldkit demo` through the entry point: summary, files, sync, checks, determinism, bad input."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fieldkit.central.store import Central, central_path
from fieldkit.field import Device
from tests.support.cli import fieldkit
from tests.support.demo import DemoRun, run_demo


def test_summary_table_and_paths(demo_run: DemoRun) -> None:
    out = demo_run.stdout
    assert "demo summary" in out
    assert "36 of 36 visits planned" in out
    assert "3 over HTTP (http://127.0.0.1:" in out and "1 by bundle" in out
    assert "central records" in out and "320" in out
    assert "problems" in out and "none" in out
    for name, path in (
        ("plan", "ops/barnet-2023/plan.json"),
        ("briefing", "ops/barnet-2023/briefing.md"),
        ("map", "maps/barnet-2023/hotspots.html"),
        ("report", "maps/barnet-2023/report.html"),
    ):
        [line] = [line for line in out.splitlines() if line.startswith(f"{name}:")]
        assert line.endswith(path) and Path(line.split()[-1]).is_file()
    # the progress, one line per step, goes to stderr
    for step in ("Plan the week", "Sync over HTTP", "Sync by bundle", "Verify", "Report"):
        assert step in demo_run.stderr


def test_the_files_of_a_whole_operation(demo_run: DemoRun) -> None:
    for path in (
        demo_run.op / "plan.json",
        demo_run.op / "briefing.md",
        demo_run.maps / "hotspots.html",
        demo_run.maps / "report.html",
        demo_run.maps / "summary.json",
    ):
        assert path.is_file() and path.stat().st_size > 0, path
    demo = demo_run.demo
    assert demo["format"] == "fieldkit-demo/1" and demo["seed"] == 1
    assert [d["team"] for d in demo["devices"]] == ["alpha", "bravo", "charlie", "delta"]
    assert [d["synced_by"] for d in demo["devices"]] == ["http", "http", "http", "bundle"]
    assert demo["problems"] == [] and demo["hot_cells"]
    summary = demo_run.summary
    assert summary["format"] == "fieldkit-summary/1" and not summary["empty"]
    assert summary["totals"]["engagements"] == 320
    assert summary["data_quality"]["problems"] == []
    hot = {c["cell"] for c in summary["hot_cells"]}
    assert hot and all(c["class"].startswith("hot") for c in summary["hot_cells"])
    assert len(hot) == len(summary["hot_cells"])
    persons = summary["persons"]
    assert demo["people"] == {
        "met_one_to_one": persons["total"],
        "with_signs": persons["with_signs"],
        "children": persons["children"]["total"],
        "referred": persons["referrals"],
        "follow_ups": {r["code"]: r["people"] for r in persons["follow_ups"]["by_status"]},
    }


def test_central_holds_every_record_and_every_one_is_acknowledged(demo_run: DemoRun) -> None:
    roots = demo_run.device_roots()
    assert len(roots) == 4
    held = 0
    with Central(central_path(demo_run.workspace / "sync")) as store:
        for root in roots:
            with Device.open(root) as dev:
                records = dev.records(history=True)
                assert len(records) == 80
                assert {state for _, state in records} == {"acknowledged"}
                assert dev.sync_counts() == {"pending": 0, "sent": 0, "acknowledged": 80}
                assert store.record_count(dev.id) == 80
                held += len(records)
        assert store.record_count() == held == 320
        assert store.problems(open_only=True) == []
        status = store.status()
    assert sorted(d["device"] for d in status["devices"]) == sorted(r.name for r in roots)


def test_log_verify_and_plan_check_pass(demo_run: DemoRun) -> None:
    device = demo_run.device_roots()[-1]  # the one synced by bundle
    verified = fieldkit("log", "verify", "--workspace", str(device))
    assert verified.returncode == 0, verified.stderr
    assert "80 record(s), chain and signatures intact" in verified.stdout
    checked = fieldkit("plan", "check", "ops/barnet-2023/plan.json", cwd=demo_run.workspace)
    assert checked.returncode == 0, checked.stderr
    assert "keep every hard rule" in checked.stdout


def test_central_is_stopped_at_the_end(demo_run: DemoRun) -> None:
    url = urlsplit(demo_run.demo["server"])
    assert url.hostname == "127.0.0.1" and url.port
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect((url.hostname, url.port))


def _content(run: DemoRun) -> dict[str, Any]:
    """What the same seed must reproduce: everything but ids, keys and clock readings."""
    summary = run.summary
    summary.pop("as_of")
    plan = json.loads((run.op / "plan.json").read_text(encoding="utf-8"))
    plan["solver"].pop("seconds")
    records: Counter[tuple[Any, ...]] = Counter()
    for root in run.device_roots():
        with Device.open(root) as dev:
            for record, _ in dev.records(history=True):
                records[
                    (dev.info["team"], record.officer, record.time, record.venue, record.visit)
                    + (record.lat, record.lon, record.people, record.indicators, record.outcomes)
                ] += 1
    devices = [(d["team"], d["officer"], d["records"], d["synced_by"]) for d in run.demo["devices"]]
    return {"summary": summary, "plan": plan, "records": records, "devices": devices}


def test_the_same_seed_gives_the_same_results(demo_run: DemoRun, tmp_path: Path) -> None:
    again = run_demo(tmp_path / "again", "--devices", "4", "--seed", "1")
    assert again.returncode == 0, again.stderr
    first, second = _content(demo_run), _content(again)
    assert second["records"] == first["records"]
    assert second == first
    assert again.demo["devices"][0]["id"] != demo_run.demo["devices"][0]["id"]  # new credentials


def test_a_folder_that_is_not_a_workspace_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = run_demo(tmp_path)
    assert done.returncode == 2
    assert "is not empty and is not a fieldkit workspace" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_workspace_with_the_demo_already_in_it_is_left_alone(demo_run: DemoRun) -> None:
    central = central_path(demo_run.workspace / "sync")
    before = (central.stat().st_mtime_ns, (demo_run.op / "plan.json").read_bytes())
    done = run_demo(demo_run.workspace)
    assert done.returncode == 2
    assert "already holds the demo operation" in done.stderr
    assert (central.stat().st_mtime_ns, (demo_run.op / "plan.json").read_bytes()) == before


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    done = run_demo(tmp_path / "new", "--devices", "0")
    assert done.returncode == 2 and "--devices" in done.stderr
    assert not (tmp_path / "new").exists()


def test_the_headless_demo_never_loads_textual() -> None:
    probe = (
        "import sys, fieldkit.demo, fieldkit.demo.sync_step; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_demos_central_is_encrypted_and_opens_with_its_key_file_alone(
    demo_run: DemoRun,
) -> None:
    """No passphrase in the environment: every command finds the demo's key file (owner-only)
    through the unlock file beside central.db, and central.db shows nothing it holds."""
    import stat

    keyfile = demo_run.workspace / "central-store.key"
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    unlock = json.loads((demo_run.workspace / "sync" / "central.unlock.json").read_text())
    assert unlock["unlock_with"] == "keyfile" and Path(unlock["keyfile"]) == keyfile.resolve()
    no_passphrase = {"FIELDKIT_CENTRAL_PASSPHRASE": "", "FIELDKIT_CENTRAL_KEYFILE": ""}
    done = fieldkit("central", "status", "--json", "--workspace", demo_run.workspace,
                    env=no_passphrase)  # fmt: skip
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["records"] == 320
    raw = central_path(demo_run.workspace / "sync").read_bytes()
    loadout = json.loads((demo_run.op / "loadouts" / "alpha.json").read_text())
    for text in [v["id"] for v in loadout["venues"]] + [d["device"] for d in status["devices"]]:
        assert text.encode() not in raw, text


def test_the_demos_reads_of_central_are_in_its_access_log_unbroken(demo_run: DemoRun) -> None:
    done = fieldkit("central", "audit", "--json", "--verify", "--workspace", demo_run.workspace)
    assert done.returncode == 0, done.stderr
    log = json.loads(done.stdout)
    assert log["verified"] is True
    reads = [(e["what"], e["purpose"], e["via"]) for e in log["entries"]]
    assert reads == [(what, "demo", "cli") for what in ("followups", "map", "report")]
    assert all(e["count"] > 0 for e in log["entries"])
