"""Each device's stored records counted as they are stored and removed (schema 7): central
status gives the counts a count of the records table gives, and an older store migrates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from fieldkit.central import retention
from fieldkit.central.store import SCHEMA_VERSION, Central, central_path
from tests.support import retention as aged
from tests.support.operation import make_workspace
from tests.support.sync import central_workspace, fill, new_device


def counted(store: Central) -> dict[str, int]:
    """{device: records} as the records table says, every enrolled device listed."""
    held = dict(store.query("SELECT device, count(*) FROM records GROUP BY device"))
    return {str(d): held.get(d, 0) for (d,) in store.query("SELECT device FROM devices")}


def status_counts(store: Central) -> dict[str, int]:
    return {str(d["device"]): d["records"] for d in store.status()["devices"]}


def test_status_counts_what_ingest_stored_and_problems_did_not(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")  # a forged and a gapped record among them
    with Central(central_path(ws.sync)) as store:
        assert status_counts(store) == counted(store) == {
            "alpha-dev": 27, "bravo-dev": 9, "charlie-dev": 6,
        }  # fmt: skip
        assert store.status()["records"] == store.record_count() == 42


def test_status_counts_records_pushed_by_bundle_and_none_before_a_device_binds(
    tmp_path: Path,
) -> None:
    from fieldkit.central.bundle import import_bundle
    from fieldkit.sync.bundle import export_bundle

    ws = central_workspace(tmp_path / "a")
    new_device(ws, tmp_path / "dev")
    new_device(ws, tmp_path / "idle", team="bravo")  # enrolled, never synced
    fill(tmp_path / "dev", 5)
    export_bundle(tmp_path / "dev", tmp_path / "b.zip")
    with Central(central_path(ws.sync)) as store:
        import_bundle(store, tmp_path / "b.zip")
        import_bundle(store, tmp_path / "b.zip")  # again: nothing new, nothing counted twice
        by_status = sorted(d["records"] for d in store.status()["devices"])
        assert by_status == [0, 5] and store.status()["records"] == 5


def test_records_removed_at_retention_are_no_longer_counted(tmp_path: Path) -> None:
    ws = aged.make_workspace(tmp_path / "ws")
    with Central(central_path(ws.sync)) as store:
        before = status_counts(store)[aged.DEVICE]
        result, _ = retention.apply(store, date.fromisoformat(aged.AS_OF))
        assert result.engagements_removed > 0
        assert status_counts(store) == counted(store)
        assert status_counts(store)[aged.DEVICE] == before - 3  # records 3, 6 and 7 removed


def test_a_schema_5_store_counts_its_records_when_opened(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    with Central(central_path(ws.sync)) as old:
        old.conn.executescript("ALTER TABLE devices DROP COLUMN stored; PRAGMA user_version=5;")
    with Central(central_path(ws.sync)) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 9
        assert status_counts(store) == counted(store)
        assert sum(counted(store).values()) == 42


def test_a_schema_6_store_loses_its_count_triggers_and_counts_each_record_once(
    tmp_path: Path,
) -> None:
    """Schema 6 counted by triggers; kept beside ingest's own count they would count twice."""
    from fieldkit.central.bundle import import_bundle
    from fieldkit.sync.bundle import export_bundle

    ws = central_workspace(tmp_path / "a")
    new_device(ws, tmp_path / "dev")
    with Central(central_path(ws.sync)) as old:
        old.conn.executescript(
            "CREATE TRIGGER records_counted AFTER INSERT ON records BEGIN"
            " UPDATE devices SET stored = stored + 1 WHERE device = NEW.device; END;"
            " PRAGMA user_version=6;"
        )
    fill(tmp_path / "dev", 4)
    export_bundle(tmp_path / "dev", tmp_path / "b.zip")
    with Central(central_path(ws.sync)) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 9
        assert store.query("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                           " AND name LIKE 'records_%counted'") == []  # fmt: skip
        import_bundle(store, tmp_path / "b.zip")
        assert list(status_counts(store).values()) == [4] == list(counted(store).values())


def test_a_schema_8_store_indexes_its_hashes_under_their_device(tmp_path: Path) -> None:
    """Schema 9 replaces the index on hash alone: the chains still verify through it, and a
    record's hash is still unique (a copy under a new id is refused)."""
    from fieldkit.central.chain_verify import verify_chains

    ws = make_workspace(tmp_path / "ws")
    with Central(central_path(ws.sync)) as old:
        old.conn.executescript(
            "DROP INDEX idx_records_device_hash;"
            " CREATE UNIQUE INDEX idx_records_hash ON records(hash); PRAGMA user_version=8;"
        )
    with Central(central_path(ws.sync)) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 9
        indexes = {n for (n,) in store.query("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "idx_records_device_hash" in indexes and "idx_records_hash" not in indexes
        plan = store.query(
            "EXPLAIN QUERY PLAN SELECT hash FROM records WHERE device = ? AND hash IN (?, ?)",
            ("d", "a", "b"),
        )
        assert "idx_records_device_hash" in plan[0][-1]
        found = verify_chains(store)
    with Central(central_path(make_workspace(tmp_path / "new").sync)) as new:
        assert found == verify_chains(new)  # the operation's one gap, and nothing else
    assert found.records == 42 and len(found.faults) == 1
    with Central(central_path(ws.sync)) as store:
        with pytest.raises(sqlcipher3.IntegrityError, match="UNIQUE"):
            store.conn.execute(
                "INSERT INTO records (id, device, hlc, prev_hash, hash, signature, body)"
                " SELECT 'copy', device, hlc, prev_hash, hash, signature, body FROM records"
                " LIMIT 1"
            )
