"""The activity log: `fieldkit log activity` stores visits started and ended and handover notes
as signed records of kind `activity`; `fieldkit log day` lists the team's day in order; central
accepts them and never counts them as engagements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.central.followups import _latest_records
from fieldkit.central.store import Central, central_path
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.maps.source import _central_rows
from fieldkit.model import Engagement, RecordError
from tests.support.cli import invoke
from tests.support.paths import BARNET
from tests.support.sync import central_workspace, new_device

DAY = "2023-09-26"
CAR_WASH = "labour-checks-tue-0-carwash-brent-cross"  # delta, 11:00-11:45


@pytest.fixture(scope="module")
def op_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")


@pytest.fixture
def dev(tmp_path: Path, op_folder: Path) -> Path:
    done = invoke("device", "enroll", op_folder / "loadouts/delta.json", "-w", tmp_path / "dev")
    assert done.returncode == 0, done.stderr
    return tmp_path / "dev"


def ok(*args: str | Path) -> str:
    done = invoke(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def a_day(dev: Path) -> None:
    """Delta's Tuesday morning: the car wash visit with one engagement, then a handover."""
    ok("log", "activity", "visit_started", "--time", f"{DAY}T11:02", "-w", dev)
    outcomes = "leaflet_given,referred_to_partner"
    ok("log", "add", "--time", f"{DAY}T11:20", "--people", "male:age_25_34:romanian:3",
       "--indicator", "owes_debt", "--outcome", outcomes, "-w", dev)  # fmt: skip
    ok("log", "activity", "visit_ended", "--time", f"{DAY}T11:44", "-w", dev)
    ok("log", "activity", "handover", "--time", f"{DAY}T16:00", "--notes",
       "Car wash manager hostile; return with GLAA on Thursday.", "-w", dev)  # fmt: skip


def test_the_day_in_order_with_the_engagement_and_its_referral(dev: Path) -> None:
    a_day(dev)
    day = json.loads(ok("log", "day", "--day", DAY, "--json", "-w", dev))
    assert (day["team"], day["day"]) == ("delta", DAY)
    whats = [e["what"] for e in day["entries"]]
    assert whats == ["visit started", "engagement", "visit ended", "handover note"]
    started, engaged, ended, handover = day["entries"]
    assert started["visit"] == ended["visit"] == CAR_WASH
    assert started["venue"] and started["time"].startswith(f"{DAY}T11:02")
    assert engaged["referrals"] == 1 and "3 met" in engaged["detail"]
    assert handover["detail"].startswith("Car wash manager hostile")
    printed = ok("log", "day", "--day", DAY, "-w", dev)
    assert "Activity log: team delta" in printed and "Tuesday 26 September 2023" in printed
    lines = printed.splitlines()
    assert [n for n, line in enumerate(lines) if "11:02" in line or "16:00" in line] == [2, 6]
    assert "Car wash manager hostile" in lines[7] and lines[7].startswith("       ")
    assert max(map(len, lines)) <= 80
    assert "4 entries: 1 engagement(s), 1 referral(s)" in printed


def test_activities_are_signed_records_but_not_engagements(dev: Path) -> None:
    a_day(dev)
    listed = json.loads(ok("log", "list", "--json", "-w", dev))
    assert len(listed) == 1 and "kind" not in listed[0]
    assert "ok: 4 record(s)" in ok("log", "verify", "-w", dev)
    stored = json.loads(
        ok("log", "activity", "note", "--time", f"{DAY}T17:00", "--notes", "x", "--json", "-w", dev)
    )
    assert (stored["kind"], stored["activity"], stored["visit"]) == ("activity", "note", None)
    assert stored["venue_type"] == ""


def test_an_activity_is_not_amended(dev: Path) -> None:
    out = ok("log", "activity", "visit_started", "--visit", CAR_WASH, "--time", f"{DAY}T09:00",
             "--json", "-w", dev)  # fmt: skip
    done = invoke("log", "amend", json.loads(out)["id"], "--notes", "changed", "-w", dev)
    assert done.returncode == 2 and "activity log" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("handover", "--time", f"{DAY}T16:00"), "needs its words"),
        (("visit_started", "--time", f"{DAY}T09:00"), "no visit is under way"),
        (("visit_ended", "--visit", "no-such-visit", "--time", f"{DAY}T11:10"), "no-such-visit"),
        (("note", "--time", f"{DAY}T11:10", "--notes", "x", "--officer", "pc-nobody"), "member"),
        (("note", "--time", f"{DAY}T11:10", "--notes", "x" * 5000), "at most"),
        (("lunch",), "Invalid value"),
    ],
)
def test_bad_activities_are_refused_and_nothing_is_stored(
    dev: Path, args: tuple[str, ...], says: str
) -> None:
    done = invoke("log", "activity", *args, "-w", dev)
    assert done.returncode == 2, done.stdout
    assert says in done.stderr and "Traceback" not in done.stderr
    assert "ok: 0 record(s)" in ok("log", "verify", "-w", dev)


def test_log_day_with_a_bad_day_is_a_usage_error(dev: Path) -> None:
    done = invoke("log", "day", "--day", "Tuesday", "-w", dev)
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr


def test_an_empty_day(dev: Path) -> None:
    assert json.loads(ok("log", "day", "--day", DAY, "--json", "-w", dev))["entries"] == []


def test_central_accepts_activities_and_counts_them_as_no_engagement(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev, team="alpha")
    shelter = "shelter-visits-mon-0-shelter-finchley"
    ok("log", "activity", "visit_started", "--visit", shelter, "--time", "2023-09-25T10:01",
       "-w", dev)  # fmt: skip
    ok("log", "add", "--visit", shelter, "--time", "2023-09-25T10:20", "--people",
       "female:age_25_34:romanian:1", "--outcome", "leaflet_given", "-w", dev)  # fmt: skip
    ok("log", "activity", "handover", "--time", "2023-09-25T22:00", "--notes", "quiet", "-w", dev)
    bundle = tmp_path / "b.zip"
    ok("sync", "--export-bundle", bundle, "-w", dev)
    ok("central", "import-bundle", bundle, "-w", ws.root)
    with Central(central_path(ws.sync)) as store:
        assert store.record_count() == 3
        assert store.problems() == []
        latest = _latest_records(store, {"barnet-2023"})
    assert [r.kind for r in latest.values()] == ["engagement"]
    rows, problems, _ = _central_rows(central_path(ws.sync), {"barnet-2023"})
    assert len(rows) == 1 and "kind" not in rows[0] and problems == []


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "engagement"},
        {"kind": "meeting", "activity": "note"},
        {"kind": "activity", "activity": "lunch"},
        {"kind": "activity", "activity": "note", "outcomes": ["arrest"]},
        {"activity": "note"},
    ],
)
def test_malformed_kinds_are_refused(change: dict[str, object]) -> None:
    base = {
        "id": "x", "device": "d", "officer": "o", "operation": "op", "team": "t", "hlc": "h",
        "recorded_at": "r", "timezone": "UTC", "time": "2023-09-26T10:00:00+00:00",
        "venue_type": "", "format": "fieldkit-engagement/2",
    }  # fmt: skip
    with pytest.raises(RecordError):
        Engagement.from_dict({**base, **change})
