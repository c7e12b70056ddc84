"""An operation's map data from plan.json and central.db: latest versions, quality facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.maps.source import (
    OperationData,
    OperationError,
    latest_versions,
    load_operation,
    resolve_operation,
)
from fieldkit.model import Engagement
from fieldkit.workspace import Workspace
from tests.support.operation import OP, build_records, make_workspace


def rid(n: int) -> str:
    return f"01900000-0000-7000-8000-{n:012d}"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("source") / "ws")


@pytest.fixture(scope="module")
def data(ws: Workspace) -> OperationData:
    return load_operation(ws, OP)


def test_an_amendment_replaces_what_it_amends(data: OperationData) -> None:
    ids = {r.id for r in data.engagements}
    assert rid(401) in ids  # 101 amended by 400, then 400 amended by 401
    assert rid(101) not in ids and rid(400) not in ids
    latest = next(r for r in data.engagements if r.id == rid(401))
    assert latest.people_count == 4
    assert data.quality.amended == 2  # 401 and the conflict's counted version


def test_both_sides_of_a_conflict_are_counted_once_and_flagged(data: OperationData) -> None:
    ids = [r.id for r in data.engagements]
    sides = {rid(402), rid(403)}
    assert len(sides & set(ids)) == 1
    assert rid(102) not in ids
    (conflict,) = data.quality.conflicts
    assert conflict.root == rid(102)
    assert set(conflict.versions) == sides
    assert conflict.devices == ("alpha-dev", "bravo-dev")
    assert conflict.counted in ids and data.conflicted == {conflict.counted}


def test_records_failing_verification_are_reported_not_counted(data: OperationData) -> None:
    kinds = sorted(p["kind"] for p in data.quality.problems)
    assert kinds == ["bad signature", "gap"]
    ids = {r.id for r in data.engagements}
    assert rid(307) not in ids  # forged: refused by central
    assert rid(302) not in ids  # never arrived
    assert len(data.engagements) == 38
    assert data.quality.records == 42


def test_map_input_from_plan_and_records(data: OperationData) -> None:
    mi = data.map_input
    assert mi.operation_id == OP and mi.timezone == "Europe/London"
    assert [v.id for v in mi.venues] == ["carwash", "church", "nails", "shelter"]
    assert data.quality.venues_without_coordinates == ("nowhere",)
    assert data.quality.unassigned_visits == ("act.church.2023-09-30",)
    assert len(mi.visits) == 6
    # bravo logged without coordinates: the venue's stand in
    church = [p for p in mi.engagements if p.venue_id == "church"]
    assert church and all((p.lat, p.lon) == (51.6030, -0.2640) for p in church)
    assert len(mi.engagements) == 38 and data.quality.unlocated == ()
    # local days in the zone; as-of: the newest stored record (the forged one is not stored)
    late = next(p for p in mi.engagements if p.id == rid(401))
    assert late.day.isoformat() == "2023-09-25"
    assert mi.as_of.isoformat() == "2023-09-28T21:20:00+01:00"
    done = {v.visit_id: v.done for v in mi.visits}
    assert done["act.carwash.2023-09-25"] is True  # an engagement names the visit
    assert done["act.shelter.2023-09-28"] is None  # the window decides


def test_an_operation_without_central_is_empty_and_says_so(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    data = load_operation(ws, OP)
    assert data.empty and not data.quality.central
    assert data.map_input.engagements == () and len(data.map_input.visits) == 6


def test_resolve_operation(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", with_central=False)
    assert resolve_operation(ws, None) == OP
    assert resolve_operation(ws, OP) == OP
    with pytest.raises(OperationError, match="no operation 'nope'.*testop"):
        resolve_operation(ws, "nope")
    (ws.ops / "second").mkdir()
    (ws.ops / "second" / "plan.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OperationError, match="several operations.*second, testop"):
        resolve_operation(ws, None)
    with pytest.raises(OperationError, match="not a plan"):
        load_operation(ws, "second")
    (ws.ops / "second" / "plan.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(OperationError, match="not a readable plan"):
        load_operation(ws, "second")


def test_latest_versions_of_a_chain_and_a_fork() -> None:
    chains = build_records()
    records = [r for c in chains.values() for r in c.records]
    latest, conflicts, amended = latest_versions(records)
    assert len(latest) == 40 and amended == 2 and len(conflicts) == 1
    # order of arrival does not matter
    again, conflicts_again, _ = latest_versions(list(reversed(records)))
    assert [r.id for r in again] == [r.id for r in latest]
    assert conflicts_again == conflicts


def test_records_of_other_operations_are_left_out(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    doc = json.loads((ws.ops / OP / "plan.json").read_text(encoding="utf-8"))
    doc["operation"]["id"] = "another-op"
    (ws.ops / "other").mkdir()
    (ws.ops / "other" / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    assert load_operation(ws, "other").empty


def test_from_dict_of_stored_records_keeps_notes_only_in_memory(data: OperationData) -> None:
    # the record object may hold the note; exports and summaries must drop it (tested there)
    assert any(isinstance(r, Engagement) and r.notes for r in data.engagements)
