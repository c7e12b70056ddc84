"""A person's follow-up is found from the short id typed without reading the whole store:
only the operations holding a record of that short id are read; a slip of one character is
answered with the id meant; the table of short ids follows records removed and stored again."""

from __future__ import annotations

from json import loads as json_loads
from pathlib import Path
from typing import Any

import pytest

import fieldkit.central.followups as followups_module
import fieldkit.central.short_ids as short_ids
from fieldkit.central.followups import add_event, find, person_id
from fieldkit.central.retention import _remove_records
from fieldkit.central.short_ids import (
    catch_up,
    near,
    number_of,
    operations_of,
    short_id,
    short_number,
)
from fieldkit.central.store import Central, central_path
from fieldkit.workspace import Workspace
from tests.support.followups import BROTHEL, GIRL_NRM, OP, moment, referrals_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return referrals_workspace(tmp_path)


def test_an_update_reads_only_the_operation_of_the_person(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[set[str] | None] = []
    real = followups_module.follow_ups

    def spy(store: Central, operations: Any = None, *args: Any, **kw: Any) -> Any:
        asked.append(None if operations is None else set(operations))
        return real(store, operations, *args, **kw)

    monkeypatch.setattr(followups_module, "follow_ups", spy)
    with Central(central_path(ws.sync)) as store:
        monkeypatch.setattr(store, "records", lambda: pytest.fail("the whole store was read"))
        done = add_event(store, GIRL_NRM.lower(), "support_accepted", None, "sgt", moment())
    assert done.id == GIRL_NRM and done.status == "support_accepted"
    assert asked and all(ops == {OP} for ops in asked)


def test_a_slip_of_one_character_names_the_id_meant(ws: Workspace) -> None:
    short, person = GIRL_NRM.split("-")
    slipped = ("1" if short[0] != "1" else "2") + short[1:]
    swapped = short[1] + short[0] + short[2:]
    with Central(central_path(ws.sync)) as store:
        for typed in (f"{slipped}-{person}", f"{swapped}-{person}"):
            if typed == GIRL_NRM:
                continue
            with pytest.raises(followups_module.FollowUpError) as err:
                find(store, typed)
            assert f'did you mean "{GIRL_NRM}"' in str(err.value)


def test_near_ids_are_one_change_or_one_swap_away() -> None:
    found = near("K7M2Q9XD")
    assert "K7M2Q9XD" not in found
    assert {"17M2Q9XD", "K7M2Q9X0", "7KM2Q9XD", "K7M2Q9DX"} <= found
    assert len(found) == 8 * 31 + 7


def test_the_table_follows_records_removed_and_a_seq_taken_again(ws: Workspace) -> None:
    with Central(central_path(ws.sync)) as store:
        assert catch_up(store) == store.record_count()
        assert operations_of(store, {short_id(BROTHEL)}) == {OP}
        newest_id, newest_seq = store.query("SELECT id, seq FROM records ORDER BY seq DESC")[0]
        with store.transaction() as conn:
            _remove_records(conn, [newest_id], OP, "2023-10-02T09:00:00+00:00")
        assert operations_of(store, {short_id(newest_id)}) == set()  # removed: not found
        # A record stored now takes the removed one's seq: it must still be read.
        store.conn.execute(
            "INSERT INTO records (id, device, hlc, prev_hash, hash, signature, body)"
            " SELECT 'taken-again', device, hlc, prev_hash, 'h2', 's2', body FROM records"
            " ORDER BY seq DESC LIMIT 1"
        )
        (seq,) = store.query("SELECT seq FROM records WHERE id = 'taken-again'")[0]
        assert seq == newest_seq
        assert operations_of(store, {short_id("taken-again")}) == {OP}
        assert operations_of(store, {short_id(newest_id)}) == set()


def test_person_ids_are_the_record_short_id_and_place() -> None:
    assert person_id(BROTHEL, 3) == f"{short_id(BROTHEL)}-3" == GIRL_NRM


@pytest.mark.parametrize("from_index", [True, False])
def test_a_big_catch_up_reads_the_same_ids_from_the_id_index(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, from_index: bool
) -> None:
    monkeypatch.setattr(short_ids, "FROM_THE_ID_INDEX", 0 if from_index else 10**9)
    with Central(central_path(ws.sync)) as store:
        ids = store.query("SELECT id, seq FROM records")
        assert catch_up(store) == len(ids) and catch_up(store) == 0
        held = store.query("SELECT short, seq FROM record_short_ids ORDER BY short, seq")
    assert held == sorted((short_number(rid), seq) for rid, seq in ids)
    assert all(number_of(short_id(rid)) == short_number(rid) for rid, _ in ids)
    assert number_of("K7M2Q9X") is None and number_of("K7M2Q9X#") is None


def test_an_update_says_so_before_it_reads_many_short_ids(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first lookup after an upgrade reads every record's short id: the command says so
    on stderr first (its --json output stays clean), and only when there are many."""
    from tests.support.cli import invoke

    monkeypatch.setattr(short_ids, "FROM_THE_ID_INDEX", 3)
    with Central(central_path(ws.sync)) as store:
        stored = short_ids.waiting(store)
    assert stored > 3
    args = ["followups", "update", GIRL_NRM, "--json", "--workspace", ws.root]
    first = invoke(*args, "--status", "support_accepted")
    assert first.returncode == 0, first.stderr
    said = f"reading the short ids of {stored:,} records stored since the last lookup..."
    assert first.stderr.strip() == said
    assert json_loads(first.stdout)["status"] == "support_accepted"
    with Central(central_path(ws.sync)) as store:
        assert short_ids.waiting(store) == 0
    again = invoke(*args, "--status", "support_declined")
    assert (again.returncode, again.stderr) == (0, "")
