"""Tampering with the store behind the kit's back is caught and named by `fieldkit log verify`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlcipher3

from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.keys import DeviceKey
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Engagement, PeopleGroup
from tests.support.cli import fieldkit
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    return folder / "loadouts" / "alpha.json"


@pytest.fixture
def filled(tmp_path: Path, loadout: Path) -> tuple[Path, list[Engagement]]:
    """A device workspace with six engagements saved one by one."""
    root = tmp_path / "dev"
    enroll(loadout, root)
    saved = []
    with Device.open(root) as dev:
        visit = dev.loadout.assignments[0]
        for n in range(6):
            draft = dev.prefill(visit.start)
            draft.update(
                people=[PeopleGroup("female", "age_25_34", "romanian", n + 1)],
                outcomes=["leaflet_given"],
            )
            saved.append(dev.save(draft))
    return root, saved


def raw(root: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the kit's guards taken away, as a tamperer would."""
    conn = raw_connect(root / "device" / "store.db", isolation_level=None)
    for name in ("engagements_no_update", "engagements_no_delete", "outbox_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def verify(root: Path) -> subprocess.CompletedProcess[str]:
    return fieldkit("log", "verify", "--workspace", str(root))


def test_triggers_refuse_update_and_delete(filled: tuple[Path, list[Engagement]]) -> None:
    root, _ = filled
    conn = raw_connect(root / "device" / "store.db")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        conn.execute("UPDATE engagements SET record = '{}' WHERE seq = 2")
    with pytest.raises(sqlcipher3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM engagements WHERE seq = 2")
    with pytest.raises(sqlcipher3.IntegrityError):
        conn.execute("DELETE FROM outbox")
    conn.close()


def test_verify_names_a_changed_and_a_deleted_record(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, saved = filled
    conn = raw(root)
    text = conn.execute("SELECT record FROM engagements WHERE seq = 2").fetchone()[0]
    conn.execute(
        "UPDATE engagements SET record = ? WHERE seq = 2",
        (text.replace("leaflet_given", "no_concerns"),),
    )
    conn.execute("DELETE FROM engagements WHERE seq = 4")
    conn.close()
    result = verify(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    changed = [x for x in lines if ": changed:" in x]
    missing = [x for x in lines if ": missing:" in x]
    assert len(changed) == 1 and f"record #2 {saved[1].id}" in changed[0]
    assert any(f"record #5 {saved[4].id}" in x for x in missing)  # its link points at a gap
    assert any(saved[3].id in x and "deleted" in x for x in missing)  # the deleted one, by id
    assert not any(saved[0].id in x or saved[2].id in x or saved[5].id in x for x in lines)


def test_verify_catches_out_of_order_and_bad_signature(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, saved = filled
    conn = raw(root)
    rows = {
        s: conn.execute(
            "SELECT id, hlc, time, day, amends, root, visit, prev_hash, hash, "
            "record FROM engagements WHERE seq = ?",
            (s,),
        ).fetchone()
        for s in (3, 4)
    }
    conn.execute("DELETE FROM engagements WHERE seq IN (3, 4)")
    cols = "seq, id, hlc, time, day, amends, root, visit, prev_hash, hash, record"
    conn.execute(f"INSERT INTO engagements ({cols}) VALUES (3,?,?,?,?,?,?,?,?,?,?)", rows[4])
    conn.execute(f"INSERT INTO engagements ({cols}) VALUES (4,?,?,?,?,?,?,?,?,?,?)", rows[3])
    # a record re-hashed after editing, signed with some other key
    forged = (
        saved[5]
        .with_changes(outcomes=("arrest",))
        .sealed(saved[5].prev_hash, DeviceKey.generate().sign)
    )
    conn.execute(
        "UPDATE engagements SET record = ?, hash = ? WHERE seq = 6",
        (forged.canonical().decode(), forged.hash),
    )
    conn.close()
    with Device.open(root) as dev:
        report = dev.verify()
    kinds = {(b.seq, b.kind) for b in report.breaks}
    assert (3, "out of order") in kinds and (4, "out of order") in kinds
    assert (6, "bad signature") in kinds
    assert not any(b.seq in (1, 2) for b in report.breaks)
    assert {b.kind for b in report.breaks} == {"out of order", "bad signature"}
    result = verify(root)
    assert result.returncode == 2 and f"record #6 {saved[5].id}: bad signature" in result.stderr


def test_verify_json_report(filled: tuple[Path, list[Engagement]]) -> None:
    root, _ = filled
    result = fieldkit("log", "verify", "--json", "-w", str(root))
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "checked": 6, "breaks": []}


def test_verify_notices_the_newest_records_gone(filled: tuple[Path, list[Engagement]]) -> None:
    root, saved = filled
    conn = raw(root)
    conn.execute("DELETE FROM engagements WHERE seq >= 5")
    conn.execute("DELETE FROM outbox WHERE id IN (?, ?)", (saved[4].id, saved[5].id))
    conn.close()
    with Device.open(root) as dev:
        report = dev.verify()
    assert [(b.kind, b.seq) for b in report.breaks] == [("missing", 6)]
    assert "newest record(s) after #4 are gone" in report.breaks[0].detail


def test_verify_names_an_index_column_edited_behind_the_signature(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, saved = filled
    conn = raw(root)
    conn.execute("UPDATE engagements SET day = '2023-09-01' WHERE seq = 3")
    conn.close()
    # Lists go by the time column (a day is a range of it): the edited day moves no record.
    listed = fieldkit("log", "list", "--day", "2023-09-01", "--json", "--workspace", str(root))
    assert json.loads(listed.stdout) == []
    day = saved[2].time[:10]
    listed = fieldkit("log", "list", "--day", day, "--json", "--workspace", str(root))
    assert saved[2].id in [r["id"] for r in json.loads(listed.stdout)]
    result = verify(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        f"record #3 {saved[2].id}: changed: its day column says '2023-09-01' but its signed "
        f"record says '{saved[2].time[:10]}' (the index was edited)"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_on_every_core_reports_what_one_core_does(
    filled: tuple[Path, list[Engagement]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records checked in worker processes (chunks of 2 here) give the same breaks, in the
    same order, as the walk on one core: a changed body, a forged signature, an edited index
    column, a deleted record and a broken text."""
    root, saved = filled
    conn = raw(root)
    text = conn.execute("SELECT record FROM engagements WHERE seq = 2").fetchone()[0]
    conn.execute(
        "UPDATE engagements SET record = ? WHERE seq = 2",
        (text.replace("leaflet_given", "no_concerns"),),
    )
    conn.execute("UPDATE engagements SET day = '2023-09-01' WHERE seq = 3")
    conn.execute("DELETE FROM engagements WHERE seq = 4")
    forged = (
        saved[5]
        .with_changes(outcomes=("arrest",))
        .sealed(saved[5].prev_hash, DeviceKey.generate().sign)
    )
    conn.execute(
        "UPDATE engagements SET record = ?, hash = ? WHERE seq = 6",
        (forged.canonical().decode(), forged.hash),
    )
    conn.execute("UPDATE engagements SET record = 'not json' WHERE seq = 1")
    conn.close()
    with Device.open(root) as dev:
        one = dev.verify(1).to_dict()
        assert dev.verify(2).to_dict() == one  # under PARALLEL_FROM: checked in process
        monkeypatch.setattr("fieldkit.field.chain_parallel.PARALLEL_FROM", 0)
        monkeypatch.setattr("fieldkit.field.chain_parallel.CHUNK", 2)
        both = dev.verify(2).to_dict()
    assert both == one
    kinds = {(b["seq"], b["kind"]) for b in one["breaks"]}  # type: ignore[union-attr]
    assert {(1, "changed"), (2, "changed"), (3, "changed"), (6, "bad signature")} <= kinds
    assert (5, "missing") in kinds


def test_verify_workers_option_gives_the_same_output(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, _ = filled
    conn = raw(root)
    conn.execute("UPDATE engagements SET day = '2023-09-01' WHERE seq = 3")
    conn.close()
    default, one = verify(root), fieldkit("log", "verify", "--workers", "1", "-w", str(root))
    assert default.returncode == one.returncode == 2
    assert default.stderr == one.stderr and "record #3" in one.stderr
    refused = fieldkit("log", "verify", "--workers", "0", "-w", str(root))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
