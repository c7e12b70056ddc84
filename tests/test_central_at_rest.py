"""central.db encrypted at rest: unlocked by FIELDKIT_CENTRAL_PASSPHRASE or a key file its owner
alone reads, the same way for every command; a plain store is encrypted on first open."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from fieldkit.at_rest import unlock_path
from fieldkit.central.schema import (
    create_followup_events,
    create_record_texts,
    create_retention,
    create_schema,
)
from fieldkit.central.store import APPLICATION_ID, Central, central_path
from fieldkit.central.unlock import CentralLockedError
from fieldkit.field.device import Device
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import fieldkit, invoke
from tests.support.paths import BARNET
from tests.support.sync import central_workspace, free_port, new_device

NOTE = "she said her boyfriend keeps her passport at the flat above the nail bar"
NO_PASSPHRASE = {"FIELDKIT_CENTRAL_PASSPHRASE": ""}
PASSPHRASE = os.environ["FIELDKIT_CENTRAL_PASSPHRASE"]  # the tests' (conftest.py)


def one_line_refusal(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Workspace, str, str]:
    """Central holding one record with a note, carried by bundle: (ws, device id, venue id)."""
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    device = new_device(ws, dev)
    with Device.open(dev) as d:
        visit = d.loadout.assignments[0]
        draft = d.prefill(visit.start).update(notes=NOTE, outcomes=["leaflet_given"])
        d.save(draft)
    bundle = tmp_path / "dev.bundle"
    assert invoke("sync", "--export-bundle", bundle, "--workspace", dev).returncode == 0
    done = invoke("central", "import-bundle", bundle, "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    return ws, device, visit.venue


def test_central_db_shows_nothing_of_what_it_holds(synced: tuple[Workspace, str, str]) -> None:
    ws, device, venue = synced
    with Central(central_path(ws.sync)) as store:
        assert store.record_count() == 1
        [(text,)] = store.query("SELECT text FROM record_texts")
        assert text == NOTE  # held, and readable with the key
    for path in ws.sync.glob("central.db*"):
        raw = path.read_bytes()
        for secret in ("passport", "nail bar", venue, device, "leaflet_given", "records"):
            assert secret.encode() not in raw, f"{secret!r} readable in {path.name}"
    for path in (central_path(ws.sync), unlock_path(central_path(ws.sync))):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_wrong_or_missing_passphrase_is_one_line(synced: tuple[Workspace, str, str]) -> None:
    ws, _, _ = synced
    wrong = {"FIELDKIT_CENTRAL_PASSPHRASE": "not the passphrase"}
    for args in (["central", "status"], ["central", "conflicts"], ["central", "revoke", "x"]):
        line = one_line_refusal(
            invoke(*args, "--workspace", ws.root, env=wrong), "does not open central's store"
        )
        assert "FIELDKIT_CENTRAL_PASSPHRASE" in line
    one_line_refusal(
        invoke("central", "status", "--workspace", ws.root, env=NO_PASSPHRASE),
        "central's store is locked: set FIELDKIT_CENTRAL_PASSPHRASE",
    )


def test_serve_refuses_to_start_on_a_store_it_cannot_open(
    synced: tuple[Workspace, str, str],
) -> None:
    ws, _, _ = synced
    done = fieldkit(
        "central",
        "serve",
        "--port",
        str(free_port()),
        "--workspace",
        ws.root,
        env={"FIELDKIT_CENTRAL_PASSPHRASE": "not the passphrase"},
        timeout=60,
    )
    one_line_refusal(done, "does not open central's store")
    assert "serving" not in done.stdout


def test_a_key_file_made_at_init_unlocks_every_later_command(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    write_sample_loadouts(BARNET, ws.ops)
    keyfile = tmp_path / "keys" / "central-store.key"
    done = invoke(
        "central", "init", "--store-keyfile", keyfile, "--workspace", ws.root, env=NO_PASSPHRASE
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    assert len(keyfile.read_text().strip()) == 64
    done = invoke("central", "status", "--json", "--workspace", ws.root, env=NO_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plan_versions"] > 0
    # Moved (a stick mounted elsewhere): FIELDKIT_CENTRAL_KEYFILE names it.
    moved = tmp_path / "stick" / "central-store.key"
    moved.parent.mkdir()
    keyfile.rename(moved)
    one_line_refusal(
        invoke("central", "status", "--workspace", ws.root, env=NO_PASSPHRASE),
        "key file",
        "is missing",
    )
    env = {**NO_PASSPHRASE, "FIELDKIT_CENTRAL_KEYFILE": str(moved)}
    assert invoke("central", "status", "--workspace", ws.root, env=env).returncode == 0
    moved.write_text("another key\n")
    one_line_refusal(
        invoke("central", "status", "--workspace", ws.root, env=env),
        f"key file {moved} does not open central's store",
    )


def test_a_key_file_open_to_others_is_made_owner_only_with_a_warning(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    keyfile = tmp_path / "central-store.key"
    keyfile.write_text("a key file written by hand\n")
    os.chmod(keyfile, 0o644)
    done = fieldkit("central", "init", "--store-keyfile", keyfile, "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert "was open to other users" in done.stderr
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600


def test_init_with_no_key_at_all_says_how_to_give_one(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    one_line_refusal(
        invoke("central", "init", "--workspace", ws.root, env=NO_PASSPHRASE),
        "FIELDKIT_CENTRAL_PASSPHRASE",
        "--store-keyfile",
    )
    assert not central_path(ws.sync).exists()


def plain_central(path: Path) -> None:
    """A central store as fieldkit wrote it before stores were encrypted: plain SQLite."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    db = sqlite_utils.Database(conn)
    create_schema(db)
    create_record_texts(conn)
    create_followup_events(conn)
    create_retention(conn)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("PRAGMA user_version=4")  # the tables above: schema 4
    conn.execute(
        "INSERT INTO devices (id, team, operation, officer, salt, credential_hash, status, "
        "enrolled_at, head_count) VALUES ('alpha-0001', 'alpha', 'barnet-2023', 'pc-okafor', "
        "'00', 'ff', 'active', '2023-09-25T08:00:00+00:00', 0)"
    )
    conn.execute(
        "INSERT INTO record_texts (record_id, digest, salt, text) VALUES ('r1', 'd', 's', ?)",
        (NOTE,),
    )
    conn.close()


def test_a_plain_central_db_is_encrypted_on_first_open(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    path = central_path(ws.sync)
    plain_central(path)
    assert b"nail bar" in path.read_bytes()
    done = invoke("central", "status", "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert [d["id"] for d in json.loads(done.stdout)["devices"]] == ["alpha-0001"]
    assert b"nail bar" not in path.read_bytes()
    assert sorted(p.name for p in ws.sync.glob("central*")) == ["central.db", "central.unlock.json"]
    with Central(path) as store:
        assert store.query("SELECT text FROM record_texts") == [(NOTE,)]


def test_the_key_is_derived_once_per_process(
    synced: tuple[Workspace, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app re-reads central's status often: half a second of scrypt each time would show."""
    from fieldkit import at_rest

    ws, _, _ = synced
    calls: list[int] = []
    real = at_rest.derive_kek

    def counted(passphrase: str | bytes, params: at_rest.KdfParams) -> bytes:
        calls.append(1)
        return real(passphrase, params)

    monkeypatch.setattr(at_rest, "derive_kek", counted)
    monkeypatch.setenv("FIELDKIT_CENTRAL_PASSPHRASE", "a wrong one, first")
    with pytest.raises(CentralLockedError):
        Central(central_path(ws.sync))
    monkeypatch.setenv("FIELDKIT_CENTRAL_PASSPHRASE", PASSPHRASE)
    for _ in range(3):
        with Central(central_path(ws.sync)) as store:
            assert store.record_count() == 1
    assert len(calls) <= 2  # the wrong one, then the right one once (or none: unlocked before)
