"""A big bundle's form checks in a forked worker give the verdicts made in one process.

Half of a bundle's records are checked in a worker process (form_parallel.py); what comes
back - each record's signed body and what the referral rules and the texts' check read, or
its fault - must be what checking them here gives, for sound records, format 1 and 2 records,
records with persons and sealed texts, a text that no longer matches its digest, malformed
records and a record changed after it was signed. A worker that fails loses no verdict.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central import form_parallel
from fieldkit.central import ingest as ingest_module
from fieldkit.central.bundle import import_bundle
from fieldkit.central.form_check import FormFault, form_verdict
from fieldkit.central.form_parallel import checked_parts
from fieldkit.central.ingest import ingest
from fieldkit.central.problems import BAD_HASH, MALFORMED, Checked
from fieldkit.central.store import Central, central_path
from fieldkit.field.keys import DeviceKey
from fieldkit.model import canonical_json
from fieldkit.sync.bundle import export_bundle
from tests.support import ingest_cases
from tests.support.ingest_cases import ALPHA, KEY, chain, fresh, resealed
from tests.support.people_operation import build_records
from tests.support.sync import central_workspace, fill, new_device

#: Forks made by this process (a worker started), counted in the parent.
FORKS: list[int] = []
os.register_at_fork(after_in_parent=lambda: FORKS.append(1))


def mixed() -> tuple[list[dict[str, Any]], list[bytes]]:
    """Records of every kind the form check tells apart, with their lines as a bundle has them."""
    records = chain(6)  # format 1 with notes in the signed body
    records += [rec.to_dict() for rec in build_records(DeviceKey.generate())]  # persons, texts
    faulty = dict(records[-2], texts=dict(records[-2]["texts"]))
    digest = next(iter(faulty["texts"]))
    faulty["texts"][digest] = {**faulty["texts"][digest], "text": "changed after sealing"}
    records.append(faulty)  # its hash holds: the text beside it does not match its digest
    records.append(dict(records[0], venue_type="car_wash"))  # changed after it was signed
    records.append(dict(records[1], id="not a uuid"))
    records.append(dict(records[2], hlc="yesterday"))
    records.append({"id": 7})  # not a record at all
    lines = [canonical_json(data) for data in records]
    return records, lines


def form_verdicts(records: list[Any], lines: list[bytes] | None) -> list[Any]:
    """Every record's verdict, in order: the parts `checked_parts` gives, joined."""
    return [v for part in checked_parts(records, lines) for v in part.verdicts]


def verdicts_here(records: list[dict[str, Any]], lines: list[bytes]) -> list[Any]:
    return [form_verdict(dict(data), line) for data, line in zip(records, lines, strict=True)]


@pytest.fixture
def fork_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch goes to the worker, even in a test process that runs other threads."""
    monkeypatch.setattr(form_parallel, "PARALLEL_MIN", 2)
    monkeypatch.setattr(form_parallel, "_may_fork", lambda: True)


def test_the_mixed_records_hold_every_verdict() -> None:
    records, lines = mixed()
    verdicts = verdicts_here(records, lines)
    faults = [v.kind for v in verdicts if isinstance(v, FormFault)]
    assert faults == [BAD_HASH, MALFORMED, MALFORMED, MALFORMED]
    read = [v.reading for v in verdicts if isinstance(v, Checked)]
    assert any(r is not None and r.rules[0] for r in read), "a record with persons"
    assert [r.faults[0][0] for r in read if r is not None and r.faults] == ["notes"]


@pytest.mark.usefixtures("fork_any_size")
def test_verdicts_from_the_worker_are_those_made_here() -> None:
    records, lines = mixed()
    expected = verdicts_here(records, lines)
    forks = len(FORKS)
    got = form_verdicts([dict(data) for data in records], lines)
    assert len(FORKS) == forks + 1, "the second half went to a worker"
    assert got == expected


@pytest.mark.usefixtures("fork_any_size")
@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_failing_worker_leaves_its_half_checked_here(
    monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """The worker's answer goes through `_sent`, which only the worker calls."""

    def broken(verdict: Any, ctx: Any) -> Any:
        if failure == "dies":
            os._exit(3)
        raise RuntimeError("the worker failed")

    monkeypatch.setattr(form_parallel, "_sent", broken)
    records, lines = mixed()
    forks = len(FORKS)
    assert form_verdicts([dict(data) for data in records], lines) == verdicts_here(records, lines)
    assert len(FORKS) == forks + 1


def test_no_worker_is_forked_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not form_parallel._may_fork()
    finally:
        stop.set()
        other.join()


def test_small_batches_and_pushes_without_lines_are_checked_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(form_parallel, "_may_fork", lambda: True)
    records, lines = mixed()
    forks = len(FORKS)
    assert form_verdicts(records, lines) == verdicts_here(records, lines)  # under PARALLEL_MIN
    monkeypatch.setattr(form_parallel, "PARALLEL_MIN", 2)
    assert form_verdicts(records, None) == [form_verdict(dict(data)) for data in records]
    assert len(FORKS) == forks


@pytest.mark.usefixtures("fork_any_size")
def test_a_bundle_checked_on_two_cores_is_imported_whole(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    made = fill(dev, 40)
    bundle = tmp_path / "dev.bundle"
    export_bundle(dev, bundle)
    forks = len(FORKS)
    with Central(central_path(ws.sync)) as store:
        _, result, _ = import_bundle(store, bundle)
        stored = store.query("SELECT id, hash FROM records ORDER BY seq")
    assert len(FORKS) == forks + 1
    assert (result.new, result.rejected) == (40, [])
    assert stored == [(rec.id, rec.hash) for rec in made]


def batch() -> list[dict[str, Any]]:
    """Forty records of one device, in order, with refusals on both sides of the split: its
    officer changed (content) early and late, a record repeated, one malformed, one changed
    after it was signed."""
    records = [dict(r) for r in ingest_cases.LONG[:40]]
    records[5] = resealed(records[5], officer="pc-someone-else")
    records[30] = resealed(records[30], officer="pc-someone-else")
    records[25] = dict(records[3])
    records[35] = dict(records[35], hlc="yesterday")
    records[38] = dict(records[38], venue_type="car_wash")
    return records


def outcome(tmp: Path, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What one ingest of `records` (with their lines, as a bundle gives them) answers and
    leaves in a fresh central; refusals and problems sorted (a big batch is stored in parts)."""
    lines = [canonical_json(r) for r in records]
    tmp.mkdir()
    with fresh(tmp) as central:
        result = ingest(central, ALPHA, KEY.public_hex, [dict(r) for r in records], lines)
        problems = central.query(
            "SELECT kind, record_id, missing, key, detail, record FROM problems"
        )
        stored = central.query("SELECT id, hash, body FROM records ORDER BY id")
    return {
        "new": result.new,
        "duplicates": result.duplicates,
        "acknowledged": sorted(result.acknowledged),
        "rejected": sorted(result.rejected, key=lambda r: (r["id"], r["kind"])),
        "head": result.head,
        "problems": sorted(problems, key=repr),
        "stored": stored,
    }


def test_a_batch_stored_in_two_parts_is_stored_as_in_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    records = batch()
    one = outcome(tmp_path / "one", records)
    kinds = sorted(r["kind"] for r in one["rejected"])
    assert kinds == [BAD_HASH, "content", "content", MALFORMED], "the batch holds every refusal"
    monkeypatch.setattr(form_parallel, "PARALLEL_MIN", 2)
    monkeypatch.setattr(form_parallel, "_may_fork", lambda: True)
    forks = len(FORKS)
    assert outcome(tmp_path / "two", records) == one
    assert len(FORKS) == forks + 1


@pytest.mark.usefixtures("fork_any_size")
def test_content_found_against_another_context_is_checked_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The worker checks content against the context read before the store is locked; if a
    plan or credential changed before the transaction read it again, its reasons are not used."""
    records = batch()
    calls: list[int] = []
    real = ingest_module.device_context

    def first_stale(central: Any, conn: Any, device: str) -> Any:
        ctx = real(central, conn, device)
        calls.append(1)
        return replace(ctx, officer="pc-before") if len(calls) == 1 else ctx

    monkeypatch.setattr(ingest_module, "device_context", first_stale)
    two = outcome(tmp_path / "two", records)
    assert len(calls) == 2, "read ahead for the worker, then in the transaction"
    monkeypatch.setattr(form_parallel, "_may_fork", lambda: False)
    monkeypatch.setattr(ingest_module, "device_context", real)
    assert two == outcome(tmp_path / "one", records)
