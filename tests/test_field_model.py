"""The engagement record's canonical form, UUIDv7 ids, the hybrid logical clock and keys."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.field.clock import HybridClock, Stamp
from fieldkit.field.ids import is_uuid7, uuid7, uuid7_ms
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup, RecordError, canonical_json
from fieldkit.wire.keys import KeyFileError, verify_signature


def record(**changes: object) -> Engagement:
    base = Engagement(
        id=uuid7(),
        device="alpha-0001",
        officer="pc-hughes",
        operation="barnet-2023",
        team="alpha",
        hlc="000001695748800000-00000",
        recorded_at="2023-09-26T19:35:00+01:00",
        timezone="Europe/London",
        time="2023-09-26T19:30:00+01:00",
        venue_type="brothel",
        venue="popup-cricklewood",
        people=(PeopleGroup("female", "age_18_24", "romanian", 2),),
        indicators=("under_control", "anxious_afraid"),
        outcomes=("leaflet_given",),
        notes="sensitive text",
    )
    return base.with_changes(**changes)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": "ș"}) == '{"a":"ș","b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_sets_are_normalised_so_order_does_not_change_the_hash() -> None:
    a = record(indicators=("under_control", "anxious_afraid"))
    b = record(id=a.id, indicators=("anxious_afraid", "under_control", "anxious_afraid"))
    assert a.indicators == ("anxious_afraid", "under_control")
    assert a.compute_hash() == b.compute_hash()


def test_people_groups_merge_and_drop_zero() -> None:
    rec = record(
        people=(
            PeopleGroup("male", "age_25_34", "moldovan", 1),
            PeopleGroup("male", "age_25_34", "moldovan", 2),
            PeopleGroup("female", "unknown", "unknown", 0),
        )
    )
    assert rec.people == (PeopleGroup("male", "age_25_34", "moldovan", 3),)
    assert rec.people_count == 3


def test_seal_hashes_body_and_signs_digest() -> None:
    key = DeviceKey.generate()
    sealed = record().sealed(GENESIS_HASH, key.sign)
    assert sealed.hash == sealed.compute_hash()
    assert "hash" not in sealed.body() and "signature" not in sealed.body()
    assert sealed.body()["prev_hash"] == GENESIS_HASH
    assert verify_signature(key.public_hex, bytes.fromhex(sealed.hash), sealed.signature)
    other = DeviceKey.generate()
    assert not verify_signature(other.public_hex, bytes.fromhex(sealed.hash), sealed.signature)
    changed = sealed.with_changes(outcomes=("arrest",))
    assert changed.compute_hash() != sealed.hash


def test_round_trip_through_canonical_json() -> None:
    sealed = record(lat=51.5, lon=-0.2, accuracy_m=12).sealed(GENESIS_HASH, lambda d: "00")
    again = Engagement.from_json(sealed.canonical())
    assert again == sealed
    assert again.canonical() == sealed.canonical()


def test_no_names_of_people_and_notes_are_private() -> None:
    data = record().to_dict()
    assert set(data["people"][0]) == {"gender", "age_band", "nationality", "count"}
    assert "notes" not in record().public_dict()


def test_malformed_records_are_refused() -> None:
    data = record().to_dict()
    with pytest.raises(RecordError, match="unknown field"):
        Engagement.from_dict({**data, "name": "Maria"})
    with pytest.raises(RecordError, match="format"):
        Engagement.from_dict({**data, "format": "other/9"})
    with pytest.raises(RecordError):
        Engagement.from_json("{not json")
    with pytest.raises(RecordError):
        PeopleGroup.parse("female:18")


@given(
    indicators=st.lists(st.sampled_from(["long_hours", "isolated", "owes_debt"]), max_size=5),
    notes=st.text(max_size=40),
    count=st.integers(min_value=1, max_value=50),
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
)
def test_any_record_round_trips_with_the_same_hash(
    indicators: list[str], notes: str, count: int, lat: float
) -> None:
    rec = record(
        indicators=tuple(indicators),
        notes=notes,
        lat=lat,
        lon=0.0,
        people=(PeopleGroup("male", "unknown", "other", count),),
    )
    again = Engagement.from_json(rec.canonical())
    assert again.compute_hash() == rec.compute_hash()


def test_uuid7_ids_are_v7_and_increase() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(is_uuid7(i) for i in ids[:10])
    assert uuid7_ms(uuid7(ms=1_695_748_800_000)) == 1_695_748_800_000
    assert not is_uuid7("not-an-id")


def test_hybrid_clock_never_goes_back() -> None:
    wall = [1000]
    clock = HybridClock(wall=lambda: wall[0])
    first = clock.now()
    wall[0] = 500  # the device's clock jumps back
    second = clock.now()
    assert second > first and second.ms == 1000 and second.counter == 1
    remote = Stamp(5000, 7)
    assert clock.receive(remote) == Stamp(5000, 8)
    wall[0] = 6000
    assert clock.now() == Stamp(6000, 0)
    assert Stamp.parse(str(Stamp(6000, 3))) == Stamp(6000, 3)
    assert str(Stamp(1, 2)) < str(Stamp(10, 0))  # text order is time order


def test_private_key_file_is_owner_only_and_loads(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    key.save(tmp_path / "device.key", tmp_path / "device.pub")
    mode = stat.S_IMODE(os.stat(tmp_path / "device.key").st_mode)
    assert mode == 0o600
    assert DeviceKey.load(tmp_path / "device.key").public_hex == key.public_hex
    with pytest.raises(KeyFileError, match="missing"):
        DeviceKey.load(tmp_path / "nope.key")
    (tmp_path / "bad.key").write_text("garbage")
    with pytest.raises(KeyFileError, match="not readable"):
        DeviceKey.load(tmp_path / "bad.key")


def test_record_json_has_every_documented_field() -> None:
    data = json.loads(record().sealed(GENESIS_HASH, lambda d: "00").canonical())
    for name in (
        "id",
        "device",
        "officer",
        "hlc",
        "recorded_at",
        "timezone",
        "time",
        "visit",
        "venue",
        "lat",
        "lon",
        "accuracy_m",
        "venue_type",
        "people",
        "language",
        "interpreter",
        "partners",
        "indicators",
        "outcomes",
        "referral_ref",
        "notes",
        "amends",
        "prev_hash",
        "hash",
        "signature",
        "format",
    ):
        assert name in data


def test_device_core_never_imports_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fieldkit.model, fieldkit.field, fieldkit.field.simulate, "
        "fieldkit.field.sample, fieldkit.field.outbox; "
        "assert 'textual' not in sys.modules, 'textual loaded'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_check_record_alone() -> None:
    from fieldkit.field.chain import check_record

    key = DeviceKey.generate()
    sealed = record().sealed(GENESIS_HASH, key.sign)
    assert check_record(sealed, key.public_hex) is None
    assert check_record(sealed.with_changes(notes="edited"), key.public_hex) == "changed"
    assert check_record(sealed, DeviceKey.generate().public_hex) == "bad signature"
