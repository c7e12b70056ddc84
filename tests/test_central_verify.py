"""`fieldkit central verify`: every record central holds checked again - hash, signature,
texts, links, removed-record traces, device heads, ODK receipts - and each tampering named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.chain_verify import verify_chains
from fieldkit.central.store import Central, central_path
from fieldkit.field.keys import DeviceKey
from fieldkit.workspace import Workspace
from tests.support.cli import fieldkit, invoke
from tests.support.retention import AS_OF, DEVICE, make_workspace, record_id

GUARDS = ("records_no_update", "records_no_delete", "removed_records_no_update")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def retained(ws: Workspace) -> Workspace:
    """The workspace after retention: records 3, 6 and 7 removed, their traces kept."""
    done = invoke("central", "retention", "--as-of", AS_OF, "--apply", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    return ws


def tamper(ws: Workspace, sql: str, *args: Any) -> None:
    """`sql` run on central.db with the append-only guards dropped, as a tamperer would."""
    with Central(central_path(ws.sync)) as central:
        for name in GUARDS:
            central.conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        central.conn.execute(sql, args)


def hash_of(ws: Workspace, n: int) -> str:
    with Central(central_path(ws.sync)) as central:
        return str(central.query("SELECT hash FROM records WHERE id = ?", (record_id(n),))[0][0])


def faults(ws: Workspace) -> list[str]:
    done = invoke("central", "verify", "--workspace", ws.root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert "tampered with or damaged" in lines[-1]
    return lines[:-1]


def test_an_untouched_store_verifies_with_its_traces(retained: Workspace) -> None:
    done = fieldkit("central", "verify", "--workspace", retained.root)
    assert done.returncode == 0, done.stderr
    assert "ok: 1 device(s), 7 record(s), 3 removed-record trace(s), 0 ODK receipt(s)" in (
        done.stdout
    )
    as_json = invoke("central", "verify", "--json", "--workers", "1", "--workspace", retained.root)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == {
        "ok": True,
        "devices": 1,
        "records": 7,
        "removed": 3,
        "receipts": 0,
        "faults": [],
    }


def test_an_edited_body_is_named(ws: Workspace) -> None:
    tamper(
        ws,
        "UPDATE records SET body = replace(body, '2029-03-01', '2029-03-02') WHERE id = ?",
        record_id(4),
    )
    assert faults(ws) == [
        f"fieldkit: {DEVICE}: record {record_id(4)}: its content does not match its hash"
    ]


def test_a_signature_of_another_key_is_named(ws: Workspace) -> None:
    forged = DeviceKey.generate().sign(bytes.fromhex(hash_of(ws, 2)))
    tamper(ws, "UPDATE records SET signature = ? WHERE id = ?", forged, record_id(2))
    assert faults(ws) == [
        f"fieldkit: {DEVICE}: record {record_id(2)}: its signature is not its device's"
    ]


def test_a_changed_text_is_named(ws: Workspace) -> None:
    tamper(ws, "UPDATE record_texts SET text = 'nothing to see' WHERE record_id = ?", record_id(10))
    (line,) = faults(ws)
    assert line.startswith(f"fieldkit: {DEVICE}: record {record_id(10)}: its ")
    assert line.endswith("text does not match its digest")


def test_a_record_deleted_without_a_trace_is_named_by_the_one_after(ws: Workspace) -> None:
    gone = hash_of(ws, 5)
    tamper(ws, "DELETE FROM records WHERE id = ?", record_id(5))
    assert faults(ws) == [
        f"fieldkit: {DEVICE}: record {record_id(6)}: it follows hash {gone[:12]}..., "
        "which central does not hold"
    ]


def test_the_newest_record_deleted_without_a_trace_is_named(ws: Workspace) -> None:
    gone = hash_of(ws, 3)
    tamper(ws, "DELETE FROM records WHERE id = ?", record_id(3))
    assert faults(ws) == [
        f"fieldkit: {DEVICE}: its newest record (#10, hash {gone[:12]}...) is gone without a trace"
    ]


def test_a_broken_link_is_named(ws: Workspace) -> None:
    tamper(ws, "UPDATE records SET prev_hash = ? WHERE id = ?", hash_of(ws, 1), record_id(10))
    assert faults(ws) == [
        f"fieldkit: {DEVICE}: record {record_id(10)}: its prev_hash column does not match its "
        "signed record (the index was edited)"
    ]


def test_a_trace_with_a_forged_signature_is_named(retained: Workspace) -> None:
    tamper(
        retained,
        "UPDATE removed_records SET signature = ? WHERE id = ?",
        "00" * 64,
        record_id(6),
    )
    assert faults(retained) == [
        f"fieldkit: {DEVICE}: removed record {record_id(6)}: its trace's signature is not "
        "this device's"
    ]


def test_every_core_finds_what_one_core_does(
    retained: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranges of two records checked by two worker processes, each opening the encrypted
    store itself: the same counts and faults, in the same order, as one process."""
    forged = DeviceKey.generate().sign(bytes.fromhex(hash_of(retained, 2)))
    tamper(retained, "UPDATE records SET signature = ? WHERE id = ?", forged, record_id(2))
    tamper(retained, "DELETE FROM records WHERE id = ?", record_id(4))
    tamper(retained, "UPDATE removed_records SET signature = '00' WHERE id = ?", record_id(7))
    monkeypatch.setattr("fieldkit.central.chain_verify.CHUNK", 2)
    with Central(central_path(retained.sync)) as central:
        one = verify_chains(central, 1).to_dict()
        both = verify_chains(central, 2).to_dict()
    assert both == one
    assert one["records"] == 6 and one["removed"] == 3 and len(one["faults"]) == 3


def test_workers_must_be_a_count(ws: Workspace) -> None:
    done = invoke("central", "verify", "--workers", "0", "--workspace", ws.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
