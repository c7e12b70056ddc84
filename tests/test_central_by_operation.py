"""One operation's reads on a central holding two: the same answers as reading the whole store,
nothing of the other operation, and never a read of every record."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from fieldkit.central.by_operation import device_problems, operation_devices, operation_records
from fieldkit.central.followups import follow_ups
from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central, central_path
from fieldkit.maps.service import build_report_files
from fieldkit.maps.source import load_operation
from fieldkit.model import PeopleGroup
from fieldkit.workspace import Workspace
from tests.support.operation import OP, _at, _Chain, _key, make_workspace, plan_doc

OTHER = "otherop"


def _other_chains() -> list[_Chain]:
    """Two devices of OTHER: a follow-up asked for, an amendment by both (a conflict)."""
    a, b = _Chain("other-a", "alpha", 4), _Chain("other-b", "bravo", 5)
    people = (PeopleGroup("female", "age_25_34", "romanian", 1),)
    for i in range(6):
        a.add(
            500 + i, _at(25, 19, i), operation=OTHER, venue="carwash", lat=51.59, lon=-0.25,
            people=people, outcomes=("follow_up_needed",) if i == 0 else ("leaflet_given",),
        )  # fmt: skip
        b.add(600 + i, _at(26, 12, i), operation=OTHER, venue="church", people=people)
    first = a.records[1].id
    a.add(510, _at(27, 9), operation=OTHER, amends=first, venue="carwash", people=people)
    b.add(610, _at(27, 10), operation=OTHER, amends=first, venue="carwash", people=people)
    return [a, b]


def _add_other(ws: Workspace) -> None:
    doc = plan_doc()
    doc["operation"]["id"] = OTHER
    (ws.ops / OTHER).mkdir()
    (ws.ops / OTHER / "plan.json").write_text(json.dumps(doc), "utf-8")
    with Central(central_path(ws.sync)) as central:
        for chain in _other_chains():
            cid, _ = central.enroll_device(chain.team, OTHER, f"pc-{chain.team}", chain.device)
            row = central.device_row(cid)
            assert row is not None
            central.bind(row, chain.device, chain.key.public_hex)
            records = [r.to_dict() for r in chain.records]
            if chain.device == "other-b":  # a changed record: a problem of OTHER's device
                records.append(dict(records[-1], id=records[-1]["id"][:-3] + "999"))
                records[-1]["signature"] = _key(9).sign(bytes(32))
            ingest(central, chain.device, chain.key.public_hex, records)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = make_workspace(tmp_path_factory.mktemp("both") / "ws")
    _add_other(ws)
    return ws


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("alone") / "ws")


def _store(ws: Workspace) -> Central:
    return Central(central_path(ws.sync))


@pytest.mark.parametrize("ops", [{OP}, {OTHER}, {OP, OTHER}, {"no-such-op"}])
def test_an_operations_records_are_the_whole_stores_of_that_operation(
    both: Workspace, ops: set[str]
) -> None:
    with _store(both) as central:
        every = central.records()
        assert operation_records(central, ops) == [r for r in every if r["operation"] in ops]
    assert {r["operation"] for r in every} == {OP, OTHER}


def test_an_operations_devices_and_problems_are_its_own(both: Workspace) -> None:
    with _store(both) as central:
        mine = operation_devices(central, {OTHER})
        assert sorted(d["device"] for d in mine) == ["other-a", "other-b"]
        ids = {x for d in mine for x in (d["id"], d["device"])}
        expected = [p for p in central.problems() if p["device"] in ids]
        assert device_problems(central, ids) == expected
        assert [p["kind"] for p in expected] == ["bad hash"]
        assert device_problems(central, set()) == []


def test_one_operations_map_data_is_the_same_as_on_a_central_holding_it_alone(
    both: Workspace, alone: Workspace
) -> None:
    moment = datetime.fromisoformat("2023-10-01T12:00:00+01:00")
    shared, solo = load_operation(both, OP, moment), load_operation(alone, OP, moment)
    assert shared.engagements == solo.engagements
    assert shared.map_input == solo.map_input
    unstamped = [{**p, "found_at": None} for p in shared.quality.problems]
    assert unstamped == [{**p, "found_at": None} for p in solo.quality.problems]
    assert replace(shared.quality, problems=()) == replace(solo.quality, problems=())
    assert shared.originals == solo.originals and shared.conflicted == solo.conflicted
    other = load_operation(both, OTHER, moment)
    assert {e.operation for e in other.engagements} == {OTHER}
    assert [p["kind"] for p in other.quality.problems] == ["bad hash"]
    assert len(other.quality.conflicts) == 1


def test_follow_ups_of_one_operation_are_those_of_the_whole_store(both: Workspace) -> None:
    now = datetime.fromisoformat("2023-10-01T12:00:00+01:00")
    with _store(both) as central:
        every = follow_ups(central, None, now, open_only=False)
        for ops in ({OP}, {OTHER}):
            mine = follow_ups(central, ops, now, open_only=False)
            assert mine == [f for f in every if f.operation in ops]
    assert {f.operation for f in every} == {OTHER}


def test_a_report_of_one_operation_never_reads_every_record(
    both: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The defect: report, map and follow-ups read every record central holds, then kept
    one operation's; on a national central that is the whole year for each report."""
    before, _ = build_report_files(both, OTHER)

    def every_record(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("one operation's report read every record central holds")

    monkeypatch.setattr(Central, "records", every_record)
    summary, paths = build_report_files(both, OTHER)
    assert summary == before
    assert summary["totals"]["engagements"] == 12  # 14 stored, 2 amending one record: 12 counted
    assert all(Path(p).exists() for p in paths)
