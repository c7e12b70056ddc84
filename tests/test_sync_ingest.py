"""The one ingest path: idempotent, order-free, and every gap, fork, forgery and conflict shown."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement
from tests.support.central_chains import DEVICE, chain, store


def state(central: Central) -> tuple[Any, ...]:
    return (
        central.query("SELECT id, hash, signature, body FROM records ORDER BY id"),
        central.query("SELECT kind, key, resolved_at IS NULL FROM problems ORDER BY kind, key"),
        central.query("SELECT head_hash, head_count FROM devices"),
    )


KEY = DeviceKey.generate()
RECORDS = chain(KEY, 12)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cuts=st.lists(st.integers(1, 11), max_size=5, unique=True),
    order=st.randoms(use_true_random=False),
    repeats=st.lists(st.integers(0, 20), max_size=4),
)
def test_any_interleaving_or_duplication_ingests_to_the_same_state(
    cuts: list[int], order: Any, repeats: list[int]
) -> None:
    bounds = [0, *sorted(cuts), len(RECORDS)]
    batches = [RECORDS[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    batches += [batches[i % len(batches)] for i in repeats]
    order.shuffle(batches)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        with store(Path(a), KEY) as once, store(Path(b), KEY) as shuffled:
            ingest(once, DEVICE, KEY.public_hex, RECORDS)
            for batch in batches:
                ingest(shuffled, DEVICE, KEY.public_hex, [dict(r) for r in batch])
            records, problems, head = state(shuffled)
            assert (records, head) == state(once)[::2]
            assert len(records) == 12 and head == [(RECORDS[-1]["hash"], 12)]
            assert all(not still_open for _, _, still_open in problems)  # gaps all filled


def test_same_record_twice_is_a_no_op(tmp_path: Path) -> None:
    with store(tmp_path, KEY) as central:
        first = ingest(central, DEVICE, KEY.public_hex, RECORDS[:5])
        again = ingest(central, DEVICE, KEY.public_hex, RECORDS[:5] + RECORDS[:5])
        assert (first.new, first.duplicates) == (5, 0)
        assert (again.new, again.duplicates, len(again.acknowledged)) == (0, 5, 5)
        assert central.record_count() == 5


def test_a_gap_is_a_problem_until_it_is_filled(tmp_path: Path) -> None:
    with store(tmp_path, KEY) as central:
        late = ingest(central, DEVICE, KEY.public_hex, RECORDS[5:8])
        assert late.new == 3 and late.head["count"] == 0
        assert [(p["kind"], p["resolved_at"]) for p in central.problems()] == [("gap", None)]
        done = ingest(central, DEVICE, KEY.public_hex, RECORDS[:5])
        assert done.head == {"hash": RECORDS[7]["hash"], "count": 8, "stored": 8}
        assert central.problems(open_only=True) == []
        assert len(central.problems()) == 1


def test_bad_signature_is_kept_as_a_problem_not_stored(tmp_path: Path) -> None:
    thief = DeviceKey.generate()
    forged = chain(thief, 2)
    with store(tmp_path, KEY) as central:
        result = ingest(central, DEVICE, KEY.public_hex, forged)
        assert result.acknowledged == [] and central.record_count() == 0
        assert {r["kind"] for r in result.rejected} == {"bad signature"}
        kept = central.query("SELECT kind, record FROM problems")
        assert len(kept) == 2 and all(text for _, text in kept)


def test_one_bad_signature_in_a_run_is_named(tmp_path: Path) -> None:
    records = [dict(r) for r in RECORDS[:4]]
    records[3]["signature"] = "00" * 64
    with store(tmp_path, KEY) as central:
        result = ingest(central, DEVICE, KEY.public_hex, records)
        assert result.new == 3
        assert [r["id"] for r in result.rejected] == [records[3]["id"]]


def test_changed_content_and_id_reuse_are_refused(tmp_path: Path) -> None:
    with store(tmp_path, KEY) as central:
        ingest(central, DEVICE, KEY.public_hex, RECORDS[:2])
        changed = {**RECORDS[2], "venue_type": "car_wash"}
        rec = Engagement.from_dict(RECORDS[1])
        reused = replace(rec, venue_type="car_wash").sealed(rec.prev_hash, KEY.sign).to_dict()
        result = ingest(central, DEVICE, KEY.public_hex, [changed, reused])
        assert sorted(r["kind"] for r in result.rejected) == ["bad hash", "id reuse"]
        assert central.record_count() == 2
        stored = central.query("SELECT hash FROM records WHERE id = ?", (RECORDS[1]["id"],))
        assert stored == [(RECORDS[1]["hash"],)]  # never overwritten


def test_a_fork_is_reported(tmp_path: Path) -> None:
    other = chain(KEY, 3, start=100)  # a second chain from genesis: a restored backup
    with store(tmp_path, KEY) as central:
        ingest(central, DEVICE, KEY.public_hex, RECORDS[:3])
        result = ingest(central, DEVICE, KEY.public_hex, other)
        assert result.new == 3 and central.record_count() == 6
        assert [p["kind"] for p in central.problems()] == ["fork"]


def test_two_devices_amending_one_record_are_both_kept_as_a_conflict(tmp_path: Path) -> None:
    key_b = DeviceKey.generate()
    with store(tmp_path, KEY) as central:
        cred, _ = central.enroll_device("bravo", "barnet", "dc-patel", device_id="bravo-1")
        central.bind(central.device_row(cred) or {}, "bravo-1", key_b.public_hex)
        ingest(central, DEVICE, KEY.public_hex, RECORDS[:1])
        target = RECORDS[0]["id"]
        mine = Engagement.from_dict(RECORDS[1])
        a = replace(mine, amends=target).sealed(RECORDS[0]["hash"], KEY.sign).to_dict()
        theirs = Engagement.from_dict(chain(key_b, 1, "bravo-1", 500, "bravo", "dc-patel")[0])
        b = replace(theirs, amends=target).sealed(GENESIS_HASH, key_b.sign).to_dict()
        ingest(central, DEVICE, KEY.public_hex, [a])
        ingest(central, "bravo-1", key_b.public_hex, [b])
        assert central.record_count() == 3
        found = central.conflicts()
        assert len(found) == 1 and found[0]["amends"] == target
        assert {found[0]["record_a"], found[0]["record_b"]} == {a["id"], b["id"]}


def test_credentials_are_stored_only_hashed(tmp_path: Path) -> None:
    with Central(tmp_path / "central.db", create=True) as central:
        cred, secret = central.enroll_device("alpha", "barnet", "pc-okafor")
        assert central.authenticate(cred, secret)["id"] == cred
        assert secret not in str(central.query("SELECT * FROM devices"))
    raw = (tmp_path / "central.db").read_bytes()
    wal = tmp_path / "central.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert secret.encode() not in raw


@pytest.mark.parametrize("bad", [{"device": DEVICE}, {"device": DEVICE, "id": 5, "hlc": None}])
def test_malformed_records_are_problems(tmp_path: Path, bad: dict[str, Any]) -> None:
    with store(tmp_path, KEY) as central:
        result = ingest(central, DEVICE, KEY.public_hex, [bad])
        assert [r["kind"] for r in result.rejected] == ["malformed"]
        assert central.record_count() == 0 and len(central.problems()) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"interpreter": 1},
        {"people": [{"gender": "f", "age_band": "a", "nationality": "n", "count": True}]},
        {"people": [{"gender": "f", "age_band": "a", "nationality": "n", "count": -1}]},
        {"partners": [1]},
        {"colour": "red"},
        {"lat": "51.5"},
        {"format": "fieldkit-engagement/9"},
    ],
)
def test_every_field_type_is_checked(tmp_path: Path, change: dict[str, Any]) -> None:
    bad = {**RECORDS[0], **change}
    with store(tmp_path, KEY) as central:
        result = ingest(central, DEVICE, KEY.public_hex, [RECORDS[1], bad])
        assert [r["kind"] for r in result.rejected] == ["malformed"]
        assert central.record_count() == 1  # the good one only
