"""A device's central credential lives in its own owner-only file: re-planning never loses it,
and a device enrolled before its team had one takes it later (`fieldkit device credential`)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import fieldkit, fieldkit_ok
from tests.support.sync import live

PLAYBOOK = "playbooks/midlands-outreach.yaml"
OP, TEAM, OFFICER = "midlands-outreach-2019", "sp-birmingham", "sp-okoro"
WHEN = "2019-05-17T21:30"  # during the operation (the Friday night patrol)


def ok(*args: str | Path, cwd: Path) -> str:
    return fieldkit_ok(*args, cwd=cwd).stdout


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws, _ = init_workspace(tmp_path / "ws")
    ok("plan", PLAYBOOK, "--time-limit", "3", cwd=ws.root)
    ok("central", "init", cwd=ws.root)
    return ws


def issue(ws: Workspace, url: str) -> dict[str, Any]:
    out = ok("central", "enroll-device", "--team", TEAM, "--officer", OFFICER, "--url", url,
             "--json", cwd=ws.root)  # fmt: skip
    issued: dict[str, Any] = json.loads(out)
    return issued


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_credential_survives_re_planning_and_the_device_syncs(
    ws: Workspace, tmp_path: Path
) -> None:
    loadout = ws.ops / OP / "loadouts" / f"{TEAM}.json"
    before = loadout.read_bytes()
    with live(ws) as server:
        issued = issue(ws, server.url)
        credential = Path(issued["credential_file"])
        assert credential.parent == ws.ops / OP / "credentials"
        assert mode(credential) == 0o600 and mode(credential.parent) == 0o700
        assert issued["credential"] in credential.read_text()
        assert loadout.read_bytes() == before  # the planner's file holds no secret
        kept = credential.read_bytes()
        ok("plan", PLAYBOOK, "--time-limit", "3", cwd=ws.root)  # re-planned: loadouts rewritten
        assert credential.read_bytes() == kept and mode(credential) == 0o600
        assert issued["credential"] not in loadout.read_text()
        phone = tmp_path / "phone"
        ok("device", "enroll", loadout, "--credential", credential, "--workspace", phone,
           cwd=ws.root)  # fmt: skip
        info = json.loads(ok("device", "info", "--json", "--workspace", phone, cwd=ws.root))
        assert (info["device_id"], info["officer"]) == (issued["device_id"], OFFICER)
        ok("log", "add", "--time", WHEN, "--venue", "broad-street", "--outcome", "leaflet_given",
           "--workspace", phone, cwd=ws.root)  # fmt: skip
        report = json.loads(ok("sync", "--json", "--workspace", phone, cwd=ws.root))
        assert (report["sent"], report["acknowledged"]) == (1, 1)
    # Kept inside the device's encrypted store: no file of the device holds the secret.
    assert not (phone / "device" / "credential.json").exists()
    for kept in (phone / "device").iterdir():
        assert issued["credential"].encode() not in kept.read_bytes(), kept.name


def test_a_device_enrolled_before_its_credential_takes_one_later(
    ws: Workspace, tmp_path: Path
) -> None:
    loadout = ws.ops / OP / "loadouts" / f"{TEAM}.json"
    phone = tmp_path / "phone"
    ok("device", "enroll", loadout, "--officer", OFFICER, "--workspace", phone, cwd=ws.root)
    ok("log", "add", "--time", WHEN, "--venue", "broad-street", "--outcome", "leaflet_given",
       "--workspace", phone, cwd=ws.root)  # fmt: skip
    with live(ws) as server:
        done = fieldkit("sync", "--server", server.url, "--workspace", phone, cwd=ws.root)
        assert done.returncode == 2 and "fieldkit device credential FILE" in done.stderr
        issued = issue(ws, server.url)
        out = ok("device", "credential", issued["credential_file"], "--workspace", phone,
                 cwd=ws.root)  # fmt: skip
        assert issued["device_id"] in out and issued["credential"] not in out
        again = ok("device", "credential", issued["credential_file"], "--workspace", phone,
                   cwd=ws.root)  # fmt: skip
        assert "already" in again
        report = json.loads(ok("sync", "--json", "--workspace", phone, cwd=ws.root))
        assert (report["sent"], report["acknowledged"]) == (1, 1)
        status = json.loads(ok("central", "status", "--json", cwd=ws.root))
        assert status["records"] == 1
        # Registered with central: another credential would not be accepted any more.
        other = issue(ws, server.url)
        done = fieldkit("device", "credential", other["credential_file"], "--workspace", phone,
                        cwd=ws.root)  # fmt: skip
        assert done.returncode == 2 and "already" in done.stderr
        assert ok("sync", "--workspace", phone, cwd=ws.root)  # still syncs with its own


def test_a_credential_for_another_team_or_a_bad_file_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    phone = tmp_path / "phone"
    ok("device", "enroll", ws.ops / OP / "loadouts" / f"{TEAM}.json", "--officer", OFFICER,
       "--workspace", phone, cwd=ws.root)  # fmt: skip
    out = ok("central", "enroll-device", "--team", "sp-wolverhampton", "--officer", "sp-bennett",
             "--json", cwd=ws.root)  # fmt: skip
    wrong = json.loads(out)["credential_file"]
    bad = tmp_path / "bad.json"
    cases: list[tuple[str, str]] = [
        (wrong, "team sp-wolverhampton"),
        (str(ws.ops / OP / "loadouts" / f"{TEAM}.json"), "not a device credential"),
        (str(tmp_path / "missing.json"), "no such file"),
        (str(bad), "not JSON"),
    ]
    bad.write_text("{not json", encoding="utf-8")
    for path, message in cases:
        done = fieldkit("device", "credential", path, "--workspace", phone, cwd=ws.root)
        assert done.returncode == 2 and message in done.stderr, (path, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (phone / "device" / "credential.json").exists()
    other = tmp_path / "other"
    done = fieldkit("device", "enroll", ws.ops / OP / "loadouts" / f"{TEAM}.json",
                    "--credential", wrong, "--workspace", other, cwd=ws.root)  # fmt: skip
    assert done.returncode == 2 and "team sp-wolverhampton" in done.stderr
    assert not other.exists() or not (other / "device").exists()  # nothing enrolled


def test_two_credentials_for_one_officer_are_two_files(ws: Workspace) -> None:
    first = issue(ws, "http://127.0.0.1:9")
    second = issue(ws, "http://127.0.0.1:9")
    assert first["credential_file"] != second["credential_file"]
    assert Path(first["credential_file"]).name == f"{TEAM}-{OFFICER}.json"
    assert first["credential"] in Path(first["credential_file"]).read_text()
