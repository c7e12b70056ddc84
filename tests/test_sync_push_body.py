"""A push carries each record as the device stored it: the same records its model writes."""

from __future__ import annotations

from pathlib import Path

import orjson

from fieldkit.field import outbox
from fieldkit.field.device import Device
from fieldkit.model import Person
from fieldkit.sync.client import push_body
from fieldkit.sync.device_side import pending_texts
from tests.support.sync import central_workspace, fill, new_device


def test_a_push_body_holds_the_records_the_model_writes(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    root = tmp_path / "dev"
    new_device(ws, root)
    fill(root, 4)
    with Device.open(root) as dev:
        draft = dev.prefill(dev.loadout.assignments[0].start)
        woman = Person(
            "female",
            "age_25_34",
            "romanian",
            signs=("owes_debt",),
            consent="yes",
            route="nrm",
            ref="NRM-7",
        )
        draft.update(persons=[woman], notes='Said "ask for Ana" – café [back door] \\ 2nd floor')
        dev.save_many([draft])
        pending = pending_texts(dev)
        body = orjson.loads(push_body(dev, [text for _, text in pending]))
        records = outbox.to_send(dev.store)
        assert body == {
            "device": dev.id,
            "public_key": dev.public_key,
            "records": [r.to_dict() for r in records],
        }
        assert [rid for rid, _ in pending] == [r.id for r in records]
        assert body["records"][-1]["texts"], "the format 2 record's texts travel beside it"
