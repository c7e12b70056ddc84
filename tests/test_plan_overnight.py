"""Overnight windows: a night patrol from 22:00 to 03:00 is one window, planned across midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from fieldkit.field import Device
from fieldkit.field.enroll import enroll
from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.solve import solve
from fieldkit.plan.visits import Clock
from fieldkit.plan.write import write_plan
from fieldkit.playbook.models import Playbook

LONDON = ZoneInfo("Europe/London")


def night_playbook(*, rest_hours: float, available: list[dict[str, str]] | None = None) -> Playbook:
    """One team, Friday and Saturday: a long night visit and a Saturday morning one."""
    person: dict[str, Any] = {"id": "p1", "name": "P1", "agency": "met_police", "skills": []}
    if available is not None:
        person["available"] = available
    return Playbook.model_validate(
        {
            "operation": {
                "id": "night",
                "name": "Night patrols",
                "start": "2024-10-25",  # a Friday; the clocks go back early on Sunday the 27th
                "end": "2024-10-26",
                "timezone": "Europe/London",
                "area": {"name": "X", "centre": [51.6, -0.2]},
            },
            "partners": ["met_police"],
            "roster": [person],
            "teams": [{"id": "t1", "name": "T1", "members": ["p1"]}],
            "venues": [
                {"id": "bar", "name": "Bar", "type": "pub_or_bar", "location": [51.60, -0.20]},
                {"id": "cafe", "name": "Cafe", "type": "car_wash", "location": [51.60, -0.21]},
            ],
            "activities": [
                {
                    "id": "night",
                    "name": "Night patrol",
                    "venues": ["bar"],
                    "when": [{"days": ["fri"], "from": "22:00", "to": "03:00"}],
                    "duration": 240,
                    "priority": 5,
                },
                {
                    "id": "morning",
                    "name": "Morning check",
                    "venues": ["cafe"],
                    "when": [{"days": ["sat"], "from": "08:00", "to": "10:00"}],
                    "duration": 60,
                    "priority": 1,
                },
            ],
            "rules": {
                "max_hours_per_day": 10,
                "min_rest_hours": rest_hours,
                "travel_speed_kmh": 20,
                "team": {"min_size": 1},
            },
        }
    )


def moments(playbook: Playbook, minute: int) -> datetime:
    return Clock(playbook).moment(minute)


def test_an_overnight_visit_runs_past_midnight_and_keeps_its_window() -> None:
    playbook = night_playbook(rest_hours=4)
    plan = solve(playbook, time_limit=5)
    assert not plan.unassigned and plan.solver.status == "OPTIMAL"
    [night, morning] = sorted(plan.assignments, key=lambda a: a.start)
    start, end = moments(playbook, night.start), moments(playbook, night.end)
    assert night.visit.startswith("night.") and start.date().isoformat() == "2024-10-25"
    assert datetime(2024, 10, 25, 22, 0, tzinfo=LONDON) <= start
    assert end <= datetime(2024, 10, 26, 3, 0, tzinfo=LONDON) and end.date() > start.date()
    assert moments(playbook, morning.start) - end >= timedelta(hours=4)
    assert check_plan(plan_dict(plan, "playbooks/night.yaml", "0" * 64), playbook) == []


def test_the_rest_rule_holds_across_midnight() -> None:
    playbook = night_playbook(rest_hours=11)
    plan = solve(playbook, time_limit=5)
    assert [a.visit for a in plan.assignments] == ["night.bar.2024-10-25"]
    [(visit, reasons)] = plan.unassigned.items()
    assert visit == "morning.cafe.2024-10-26"
    assert any("rest" in r for r in reasons), reasons


def test_overnight_availability_is_one_span() -> None:
    # Available Friday 23:00 to Saturday 04:00: the four-hour visit must start 23:00 or midnight
    playbook = night_playbook(
        rest_hours=0, available=[{"days": ["fri"], "from": "23:00", "to": "04:00"}]
    )
    plan = solve(playbook, time_limit=5)
    assert [a.visit for a in plan.assignments] == ["night.bar.2024-10-25"]
    start = moments(playbook, plan.assignments[0].start)
    assert datetime(2024, 10, 25, 23, 0, tzinfo=LONDON) <= start
    assert start + timedelta(minutes=240) <= datetime(2024, 10, 26, 3, 0, tzinfo=LONDON)
    assert plan.unassigned["morning.cafe.2024-10-26"]  # nobody is available on Saturday


def test_a_device_shows_the_overnight_visit_after_midnight(tmp_path: Path) -> None:
    playbook = night_playbook(rest_hours=4)
    plan = solve(playbook, time_limit=5)
    source = tmp_path / "night.yaml"
    source.write_text("# stands in for the playbook file\n", encoding="utf-8")
    write_plan(plan, tmp_path / "ops" / "night", source, tmp_path)
    device_root = tmp_path / "device"
    enroll(tmp_path / "ops" / "night" / "loadouts" / "t1.json", device_root)
    night = min(plan.assignments, key=lambda a: a.start)
    after_midnight = moments(playbook, night.end) - timedelta(minutes=10)
    assert after_midnight.date().isoformat() == "2024-10-26"
    with Device.open(device_root) as device:
        today = [a.visit for a in device.today(after_midnight)]
        current = device.current(after_midnight)
        draft = device.prefill(after_midnight)
    assert today[0] == night.visit and len(today) == 2  # the night visit, then the morning's
    assert current is not None and current.visit == night.visit
    assert (draft.visit, draft.venue) == (night.visit, "bar")


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"from": "22:00", "to": "22:00"}, "opens and closes at 22:00"),
        ({"from": "15:00", "to": "14:00"}, "may only run past midnight overnight"),
        ({"from": "09:00", "to": "03:00"}, "may only run past midnight overnight"),
    ],
)
def test_windows_that_are_slips_not_nights_are_refused(
    window: dict[str, str], message: str
) -> None:
    data = night_playbook(rest_hours=4).model_dump(by_alias=True, mode="json")
    data["activities"][0]["when"] = [window]
    with pytest.raises(ValidationError, match=message):
        Playbook.model_validate(data)
