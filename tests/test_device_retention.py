"""Retention on the device: the notes and referral references of records central acknowledged
go the loadout's number of days later (`fieldkit device retention`, and after every sync);
`log verify` still passes, and the store lets no other change through."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.plans import publish
from fieldkit.central.store import Central, central_path
from fieldkit.encrypted_store import DATABASE_ERRORS
from fieldkit.field.device import Device
from fieldkit.field.enroll import STORE_FILE
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import PeopleGroup, Person
from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import invoke
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET
from tests.support.sync import new_device

NOTE = "NOTE-the-boss-keeps-the-passports"
REF = "NRM-REF-0099"


def central_with(tmp: Path, retention: dict[str, Any] | None) -> Workspace:
    """Central with the Barnet loadouts (team alpha's carrying `retention`), published."""
    ws, _ = init_workspace(tmp / "central")
    write_sample_loadouts(BARNET, ws.ops)
    if retention is not None:
        path = next(ws.ops.glob("*/loadouts/alpha.json"))
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**data, "retention": retention}), encoding="utf-8")
    with Central(central_path(ws.sync), create=True) as store:
        publish(store, ws.ops)
    return ws


def log_sensitive(dev_root: Path, n: int) -> list[str]:
    """`n` format 2 records with notes and a referral reference."""
    ids = []
    with Device.open(dev_root) as dev:
        start = dev.loadout.assignments[0].start
        for _ in range(n):
            child = Person("female", "under_18", "romanian", signs=("owes_debt",), route="nrm",
                           by=dev.officer, ref=REF)  # fmt: skip
            draft = dev.prefill(start).update(
                persons=[child], indicators=["owes_debt"], outcomes=["nrm_referral"],
                notes=NOTE, people=[PeopleGroup("male", "age_25_34", "romanian", 1)],
            )  # fmt: skip
            ids.append(dev.save(draft).id)
    return ids


def sync_by_bundle(ws: Workspace, dev: Path, tmp: Path) -> dict[str, Any]:
    """Export a bundle, import it at central, import central's answer on the device."""
    bundle = tmp / "out.zip"
    done = invoke("sync", "--export-bundle", bundle, "--json", "--workspace", dev)
    assert done.returncode == 0, done.stderr
    done = invoke("central", "import-bundle", bundle, "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)["answer"]
    done = invoke("sync", "--import-bundle", answer, "--json", "--workspace", dev)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def texts_on(dev: Path) -> dict[str, tuple[str | None, str | None]]:
    with Device.open(dev) as d:
        return {r.id: (r.notes, r.persons[0].ref) for r, _ in d.records()}


def verify(dev: Path) -> dict[str, Any]:
    done = invoke("log", "verify", "--json", "--workspace", dev)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def later(days: int) -> dict[str, str]:
    return {"FIELDKIT_NOW": (datetime.now(UTC) + timedelta(days=days)).isoformat()}


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Workspace, Path, list[str]]:
    """A device with two acknowledged records (30 days by default) and one not yet synced."""
    ws = central_with(tmp_path, None)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    acked = log_sensitive(dev, 2)
    answer = sync_by_bundle(ws, dev, tmp_path)
    assert answer["texts_dropped"] == 0  # acknowledged just now: kept 30 days
    log_sensitive(dev, 1)
    return ws, dev, acked


def test_texts_stay_until_their_days_have_passed(synced: tuple[Workspace, Path, list[str]]) -> None:
    _, dev, acked = synced
    done = invoke("device", "retention", "--json", "--workspace", dev, env=later(29))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["records"] == []
    done = invoke("device", "retention", "--json", "--workspace", dev, env=later(31))
    listed = json.loads(done.stdout)
    assert listed["records"] == sorted(acked) and listed["texts_removed"] == 4
    assert listed["applied"] is False and all(t == (NOTE, REF) for t in texts_on(dev).values())


def test_apply_drops_the_acknowledged_texts_and_log_verify_passes(
    synced: tuple[Workspace, Path, list[str]],
) -> None:
    ws, dev, acked = synced
    before = verify(dev)
    done = invoke("device", "retention", "--apply", "--workspace", dev, env=later(31))
    assert done.returncode == 0, done.stderr
    assert "4 text(s) of 2 record(s)" in done.stdout
    held = texts_on(dev)
    assert [held[i] for i in acked] == [(None, None), (None, None)]
    pending = [t for i, t in held.items() if i not in acked]
    assert pending == [(NOTE, REF)]  # not yet at central: kept
    after = verify(dev)
    assert after["ok"] is True and after["checked"] == before["checked"] == 3
    with Central(central_path(ws.sync)) as store:  # central keeps its own until its review
        assert {r["id"] for r in store.records() if r.get("texts")} == set(acked)


def test_days_zero_drops_at_once_and_a_second_run_finds_nothing(
    synced: tuple[Workspace, Path, list[str]],
) -> None:
    _, dev, acked = synced
    done = invoke("device", "retention", "--days", "0", "--apply", "--json", "--workspace", dev)
    assert json.loads(done.stdout)["records"] == sorted(acked)
    again = invoke("device", "retention", "--days", "0", "--json", "--workspace", dev)
    assert json.loads(again.stdout)["records"] == []
    assert verify(dev)["ok"] is True


def test_a_loadout_of_zero_days_drops_the_texts_on_sync(tmp_path: Path) -> None:
    ws = central_with(tmp_path, {"device_text_days": 0})
    dev = tmp_path / "dev"
    new_device(ws, dev)
    acked = log_sensitive(dev, 2)
    answer = sync_by_bundle(ws, dev, tmp_path)
    assert answer["texts_dropped"] == 4
    assert set(texts_on(dev).values()) == {(None, None)}
    assert verify(dev)["ok"] is True
    with Central(central_path(ws.sync)) as store:
        assert {r["id"] for r in store.records() if r.get("texts")} == set(acked)


def test_the_store_lets_no_other_change_of_a_record_through(
    synced: tuple[Workspace, Path, list[str]],
) -> None:
    _, dev, acked = synced
    store = dev / "device" / STORE_FILE
    conn = raw_connect(store, isolation_level=None)
    try:
        (text,) = conn.execute(
            "SELECT record FROM engagements WHERE id = ?", (acked[0],)
        ).fetchone()
        data = json.loads(text)
        (pending,) = conn.execute(
            "SELECT e.id, e.record FROM engagements e JOIN outbox o ON o.id = e.id "
            "WHERE o.state = 'pending'"
        ).fetchall()
        wrong = [
            (json.dumps({**data, "texts": {}, "officer": "pc-someone-else"}), acked[0]),
            (json.dumps({**data, "texts": {}, "notes": None}), acked[0]),
            (json.dumps({**data, "texts": {"x": 1}}), acked[0]),
            (json.dumps({**json.loads(pending[1]), "texts": {}}), pending[0]),
        ]
        for record, rid in wrong:
            with pytest.raises(DATABASE_ERRORS, match="append-only"):
                conn.execute("UPDATE engagements SET record = ? WHERE id = ?", (record, rid))
        with pytest.raises(DATABASE_ERRORS, match="append-only"):
            conn.execute("UPDATE engagements SET day = '2000-01-01' WHERE id = ?", (acked[0],))
    finally:
        conn.close()
    assert verify(dev)["ok"] is True


def test_a_bad_days_value_is_exit_2(synced: tuple[Workspace, Path, list[str]]) -> None:
    _, dev, _ = synced
    done = invoke("device", "retention", "--days", "-1", "--workspace", dev)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_store_from_before_device_retention_is_migrated(
    synced: tuple[Workspace, Path, list[str]],
) -> None:
    from fieldkit.field.store import MIGRATIONS, SCHEMA_VERSION

    _, dev, acked = synced
    conn = raw_connect(dev / "device" / STORE_FILE, isolation_level=None)
    try:  # back to schema 1: the trigger that refused every update
        conn.execute("DROP TRIGGER engagements_no_update")
        conn.execute(next(s for s in MIGRATIONS[0] if "engagements_no_update" in s))
        conn.execute("PRAGMA user_version=1")
    finally:
        conn.close()
    done = invoke("device", "retention", "--days", "0", "--apply", "--json", "--workspace", dev)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["records"] == sorted(acked)
    conn = raw_connect(dev / "device" / STORE_FILE, isolation_level=None)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    finally:
        conn.close()
    assert verify(dev)["ok"] is True


def test_an_http_sync_drops_the_texts_by_the_loadout_s_days(tmp_path: Path) -> None:
    from tests.support.sync import live

    ws = central_with(tmp_path, {"device_text_days": 0})
    dev = tmp_path / "dev"
    with live(ws) as server:
        new_device(ws, dev, url=server.url)
        log_sensitive(dev, 2)
        done = invoke("sync", "--json", "--workspace", dev)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["texts_dropped"] == 4
    assert set(texts_on(dev).values()) == {(None, None)}
    assert verify(dev)["ok"] is True
