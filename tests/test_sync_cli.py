"""`fieldkit central ...` and `fieldkit sync` from the command line: output, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

from fieldkit.central.store import Central, central_path
from fieldkit.workspace import init_workspace
from tests.support.cli import fieldkit, invoke
from tests.support.sync import (
    central_workspace,
    counts,
    fill,
    free_port,
    live,
    new_device,
)


def test_init_enroll_status_revoke(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    done = invoke("central", "init", "--workspace", ws.root)
    assert done.returncode == 0 and "central store ready" in done.stdout
    done = invoke(
        "central",
        "enroll-device",
        "--team",
        "bravo",
        "--officer",
        "dc-walsh",
        "--url",
        "https://central.example:8765",
        "--json",
        "--workspace",
        ws.root,
    )
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    loadout = json.loads(Path(issued["loadout"]).read_text())
    assert loadout["central"] is None  # the planner's file holds no credential
    written = json.loads(Path(issued["credential_file"]).read_text())
    assert written.pop("central_key") and written.pop("issued")
    with Central(central_path(ws.sync)) as store:
        assert written.pop("central_seal_key") == store.sealing_key().public_hex
    assert written == {
        "format": "fieldkit-credential/1",
        "operation": issued["operation"],
        "team": "bravo",
        "officer": "dc-walsh",
        "device_id": issued["device_id"],
        "credential": issued["credential"],
        "url": "https://central.example:8765",
        "certificate": None,
    }
    done = invoke("central", "status", "--json", "--workspace", ws.root)
    status = json.loads(done.stdout)
    assert [(d["id"], d["status"], d["records"]) for d in status["devices"]] == [
        (issued["device_id"], "active", 0)
    ]
    assert issued["credential"] not in done.stdout
    assert invoke("central", "revoke", issued["device_id"], "--workspace", ws.root).returncode == 0
    status = json.loads(invoke("central", "status", "--json", "--workspace", ws.root).stdout)
    assert status["devices"][0]["status"] == "revoked"
    done = invoke("central", "revoke", "nobody", "--workspace", ws.root)
    assert done.returncode == 2 and 'no device "nobody"' in done.stderr
    done = invoke("central", "status", "--workspace", ws.root)
    assert done.returncode == 0 and "0 record(s)" in done.stdout
    done = invoke("central", "conflicts", "--workspace", ws.root)
    assert done.returncode == 0 and "no conflicts" in done.stdout


def test_enroll_device_bad_input_exits_2(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    done = invoke(
        "central", "enroll-device", "--team", "alpah", "--officer", "x", "--workspace", ws.root
    )
    assert done.returncode == 2 and "alpha" in done.stderr
    done = invoke(
        "central",
        "enroll-device",
        "--team",
        "alpha",
        "--officer",
        "dc-walsh",
        "--workspace",
        ws.root,
    )
    assert done.returncode == 2 and "not in team alpha" in done.stderr


def test_commands_before_central_init_exit_2(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "fresh")
    done = invoke("central", "serve", "--certfile", __file__, "--workspace", ws.root)
    assert done.returncode == 2 and "both --certfile and --keyfile" in done.stderr
    for args in (("status",), ("serve", "--port", "1"), ("conflicts",)):
        done = invoke("central", *args, "--workspace", ws.root)
        assert done.returncode == 2 and "central init" in done.stderr, args


def test_sync_without_connection_keeps_records_and_says_so(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 37)
    url = f"http://127.0.0.1:{free_port()}"
    done = invoke("sync", "--server", url, "--timeout", "2", "--workspace", dev)
    assert done.returncode == 2
    assert "central not reachable" in done.stderr
    assert "your 37 records are safe on this device" in done.stderr
    assert counts(dev) == {"pending": 37, "sent": 0, "acknowledged": 0}


def test_sync_needs_a_central_credential(tmp_path: Path) -> None:
    from fieldkit.field.enroll import enroll
    from fieldkit.field.sample import write_sample_loadouts
    from tests.support.paths import BARNET

    folder = write_sample_loadouts(BARNET, tmp_path / "ops")
    enroll(folder / "loadouts" / "alpha.json", tmp_path / "dev")
    done = invoke("sync", "--server", "http://127.0.0.1:9", "--workspace", tmp_path / "dev")
    assert done.returncode == 2 and "enroll-device" in done.stderr
    done = invoke(
        "sync", "--server", "http://x", "--export-bundle", "f", "--workspace", tmp_path / "dev"
    )
    assert done.returncode == 2 and "one of" in done.stderr


def test_sync_over_http_from_the_command_line(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 12)
    with live(ws) as server:
        done = invoke("sync", "--server", server.url, "--json", "--workspace", dev)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert (report["sent"], report["acknowledged"]) == (12, 12)
        done = invoke("sync", "--server", server.url, "--workspace", dev)
        assert done.returncode == 0 and "sent 0" in done.stdout
        status = json.loads(invoke("central", "status", "--json", "--workspace", ws.root).stdout)
        assert status["records"] == 12 and status["devices"][0]["last_seen"]


def test_device_enrolled_with_a_credential_takes_its_id_and_officer(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    done = invoke(
        "central", "enroll-device", "--team", "bravo", "--officer", "dc-walsh",
        "--url", "http://127.0.0.1:9", "--json", "--workspace", ws.root,
    )  # fmt: skip
    issued = json.loads(done.stdout)
    device = tmp_path / "device"
    done = invoke("device", "enroll", issued["loadout"], "--credential", issued["credential_file"],
               "--workspace", device)  # fmt: skip
    assert done.returncode == 0, done.stderr
    info = json.loads((device / "device" / "device.json").read_text())
    assert (info["device_id"], info["officer"]) == (issued["device_id"], "dc-walsh")


def test_serve_on_a_busy_port_exits_2_with_one_line(tmp_path: Path) -> None:
    import socket

    ws = central_workspace(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = fieldkit("central", "serve", "--port", str(port), "--workspace", str(ws.root))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{port} is in use" in lines[0] and "--port" in lines[0]
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr


def test_serve_on_an_unknown_host_exits_2(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    done = invoke("central", "serve", "--host", "no-such-host.invalid", "--workspace", ws.root)
    assert done.returncode == 2
    assert "no-such-host.invalid" in done.stderr and "--host" in done.stderr


def test_a_server_address_without_a_scheme_is_answered_plainly(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 2)
    done = invoke("sync", "--server", "127.0.0.1:8765", "--workspace", dev)
    assert done.returncode == 2
    assert "add http:// or https://" in done.stderr and "127.0.0.1:8765" in done.stderr
    assert "not reachable" not in done.stderr
    assert counts(dev) == {"pending": 2, "sent": 0, "acknowledged": 0}
    done = invoke(
        "central", "enroll-device", "--team", "alpha", "--officer", "pc-okafor",
        "--url", "central.example:8765", "--workspace", ws.root,
    )  # fmt: skip
    assert done.returncode == 2 and "add http:// or https://" in done.stderr
