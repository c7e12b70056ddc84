"""Partners present come from who is there: the team's roster on the day, not the visit."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldkit.field.device import Device
from fieldkit.field.loadout import LoadoutError, parse_loadout, read_loadout
from fieldkit.field.roster import partners_present
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.service import log_engagement
from fieldkit.sync.enrol import enrol_device
from tests.support.cli import invoke
from tests.support.demo import DemoRun
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def loadouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops") / "loadouts"


@pytest.fixture
def alpha(tmp_path: Path, loadouts: Path) -> Path:
    enrol_device(loadouts / "alpha.json", tmp_path / "alpha")
    return tmp_path / "alpha"


def test_every_members_agency_is_present(loadouts: Path) -> None:
    alpha = read_loadout(loadouts / "alpha.json")  # two Met officers and one of ANITP
    assert partners_present(alpha, date(2023, 9, 26)) == ["anitp", "met_police"]


def test_a_member_not_available_that_day_brings_no_partner(loadouts: Path) -> None:
    # Justice and Care's Ioana Marin works Sunday to Friday; charlie is Met alone on Saturday.
    charlie = read_loadout(loadouts / "charlie.json")
    friday, saturday = date(2023, 9, 29), date(2023, 9, 30)
    assert partners_present(charlie, friday) == ["justice_and_care", "met_police"]
    assert partners_present(charlie, saturday) == ["met_police"]
    evening = datetime(2023, 9, 30, 19, 30, tzinfo=charlie.zone)
    assert partners_present(charlie, evening) == ["met_police"]
    # the officer logging is there whatever the roster says
    assert partners_present(charlie, saturday, officer="jc-marin") == [
        "justice_and_care",
        "met_police",
    ]


def _with_windows(loadout: Path, member: str, windows: Any) -> dict[str, Any]:
    data = json.loads(loadout.read_text(encoding="utf-8"))
    for m in data["team"]["members"]:
        if m["id"] == member:
            m["available"] = windows
    return data


def test_an_overnight_window_counts_on_the_morning_after(loadouts: Path) -> None:
    night = [{"days": ["fri"], "dates": None, "from": "22:00", "to": "03:00"}]
    alpha = parse_loadout(_with_windows(loadouts / "alpha.json", "anitp-ionescu", night))
    assert partners_present(alpha, date(2023, 9, 29)) == ["anitp", "met_police"]  # Friday
    assert partners_present(alpha, date(2023, 9, 30)) == ["anitp", "met_police"]  # 01:00 Sat
    assert partners_present(alpha, date(2023, 9, 27)) == ["met_police"]  # Wednesday


@pytest.mark.parametrize(
    "windows",
    [
        "always",
        [{"days": ["someday"], "from": "09:00", "to": "17:00"}],
        [{"dates": ["2023-13-01"], "from": "09:00", "to": "17:00"}],
        [{"from": "9 o'clock", "to": "17:00"}],
        [{"to": "17:00"}],
    ],
)
def test_a_malformed_availability_is_a_loadout_error(loadouts: Path, windows: Any) -> None:
    with pytest.raises(LoadoutError, match="anitp-ionescu|available|from|day|date"):
        parse_loadout(_with_windows(loadouts / "alpha.json", "anitp-ionescu", windows))


def test_the_draft_on_a_visit_carries_the_team_not_the_visits_needs(alpha: Path) -> None:
    with Device.open(alpha) as dev:
        visit = dev.loadout.assignments[0]
        draft = dev.prefill(visit.start + timedelta(minutes=5))
        assert draft.visit == visit.visit
        assert draft.partners == ["anitp", "met_police"]


def test_an_off_plan_encounter_counts_the_team_wherever_it_went(alpha: Path) -> None:
    with Device.open(alpha) as dev:
        when = dev.loadout.assignments[0].start + timedelta(minutes=5)
        logged = log_engagement(
            dev, {"time": when, "lat": 51.6, "lon": -0.2, "venue_type": "other"}
        )
        assert logged.record.visit is None
        assert logged.record.partners == ("anitp", "met_police")


def test_the_cli_fills_partners_from_the_roster_and_the_officer_may_change_them(
    alpha: Path,
) -> None:
    common = ["log", "add", "-w", alpha, "--time", "2023-09-26T11:20", "--json"]
    where = ["--lat", "51.6", "--lon", "-0.2", "--venue-type", "street_or_transport_hub"]
    done = invoke(*common, *where, "--outcome", "leaflet_given")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["partners"] == ["anitp", "met_police"]
    done = invoke(*common, *where, "--outcome", "leaflet_given", "--partner", "met_police")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["partners"] == ["met_police"]
    done = invoke(*common, *where, "--outcome", "leaflet_given", "--partner", "none")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["partners"] == []


def test_the_loadouts_the_planner_writes_carry_each_members_availability(
    demo_run: DemoRun,
) -> None:
    charlie = demo_run.op / "loadouts" / "charlie.json"
    members = {m["id"]: m for m in json.loads(charlie.read_text())["team"]["members"]}
    assert members["jc-marin"]["available"] == [
        {
            "days": ["sun", "mon", "tue", "wed", "thu", "fri"],
            "dates": None,
            "from": "09:00",
            "to": "23:30",
        }
    ]
    assert members["ds-evans"]["available"] is None
    assert partners_present(read_loadout(charlie), date(2023, 9, 30)) == ["met_police"]
