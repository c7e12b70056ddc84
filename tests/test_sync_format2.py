"""Central ingests format 1 and format 2 side by side: texts kept beside the records, removed
texts leave the chain whole, a changed text is named, a broken referral rule is flagged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from fieldkit.central.ingest import ingest
from fieldkit.field.keys import DeviceKey
from fieldkit.model import ENGAGEMENT_FORMAT_2, Engagement, Person
from tests.support.central_chains import DEVICE, chain, store

CHILD = Person("female", "under_18", "romanian", signs=("owes_debt",), route="nrm", ref="NRM-1")


def mixed(key: DeviceKey, persons: tuple[Person, ...], notes: str) -> list[dict[str, Any]]:
    """Two format 1 records, then a format 2 record with `persons` chained after them."""
    first = chain(key, 2)
    last = Engagement.from_dict(first[-1])
    two = replace(
        last,
        id="0190a000-0000-7000-8000-000000000099",
        hlc=last.hlc[:-5] + "00009",
        format=ENGAGEMENT_FORMAT_2,
        persons=persons,
        notes=notes,
        indicators=("owes_debt",),
    ).sealed(last.hash, key.sign)
    return [*first, two.to_dict()]


def test_format_one_and_two_are_ingested_with_texts_beside(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    records = mixed(key, (CHILD,), "Kept by the manager.")
    with store(tmp_path, key) as central:
        result = ingest(central, DEVICE, key.public_hex, json.loads(json.dumps(records)))
        assert result.new == 3 and result.rejected == []
        assert central.problems() == []
        held = central.records()
    back = [Engagement.from_dict(r) for r in held]
    assert [r.format for r in back][-1] == ENGAGEMENT_FORMAT_2
    assert back[-1].notes == "Kept by the manager." and back[-1].persons[0].ref == "NRM-1"
    assert back[-1].text_faults() == []


def test_a_record_without_its_texts_is_ingested_whole(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    records = mixed(key, (CHILD,), "Kept by the manager.")
    records[-1] = Engagement.from_dict(records[-1]).without_texts().to_dict()
    with store(tmp_path, key) as central:
        result = ingest(central, DEVICE, key.public_hex, records)
        assert result.new == 3 and central.problems() == []


def test_a_changed_text_is_not_kept_and_is_named(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    records = mixed(key, (CHILD,), "Kept by the manager.")
    for entry in records[-1]["texts"].values():
        if entry["text"] == "NRM-1":
            entry["text"] = "NRM-2"
    with store(tmp_path, key) as central:
        result = ingest(central, DEVICE, key.public_hex, records)
        assert result.new == 3
        (problem,) = central.problems()
        assert problem["kind"] == "text"
        assert problem["detail"].startswith("its persons.0.ref text does not match the digest")
        assert Engagement.from_dict(central.records()[-1]).persons[0].ref is None


def test_a_broken_rule_is_flagged_not_refused(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    records = mixed(key, (replace(CHILD, route="duty_to_notify"),), "n")
    with store(tmp_path, key) as central:
        result = ingest(central, DEVICE, key.public_hex, records)
        assert result.new == 3 and result.rejected == []
        (problem,) = central.problems()
    assert problem["kind"] == "rule"
    assert problem["detail"].startswith("child_to_nrm: person 1: A person under 18")
