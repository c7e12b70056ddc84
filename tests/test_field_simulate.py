"""`fieldkit simulate`: device stores that follow the plan, with planted clusters that run hot."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import pytest

from fieldkit.field.device import Device
from fieldkit.field.roster import partners_present
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Engagement
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.paths import BARNET

CONTENT = (
    "venue", "visit", "venue_type", "time", "people", "indicators", "outcomes", "lat", "persons",
    "partners", "referral_ref",
)  # fmt: skip


def simulate(ws: Workspace, *extra: str) -> int:
    return invoke("simulate", "barnet-2023", "-w", ws.root, *extra).returncode


def all_records(devices: Path) -> dict[str, list[Engagement]]:
    out = {}
    for folder in sorted(p for p in devices.iterdir() if p.is_dir()):
        with Device.open(folder) as dev:
            assert dev.verify().ok
            out[folder.name] = [r for r, _ in dev.records()]
    return out


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    write_sample_loadouts(BARNET, workspace.ops)
    return workspace


def test_simulate_fills_devices_following_the_plan(ws: Workspace) -> None:
    assert simulate(ws, "--devices", "5", "--engagements", "80", "--seed", "3") == 0
    devices = ws.ops / "barnet-2023" / "devices"
    manifest = json.loads((devices / "simulation.json").read_text())
    assert [d["team"] for d in manifest["devices"]] == [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "alpha",
    ]
    assert manifest["devices"][4]["officer"] != manifest["devices"][0]["officer"]
    records = all_records(devices)
    assert len(records) == 5 and all(len(r) == 80 for r in records.values())
    for name, recs in records.items():
        with Device.open(devices / name) as dev:
            visits = {a.visit: a for a in dev.loadout.assignments}
        on_plan = [r for r in recs if r.visit]
        assert len(on_plan) > len(recs) * 0.6
        for r in on_plan:
            visit = visits[r.visit]
            assert r.venue == visit.venue
            assert visit.start.isoformat() <= r.time <= visit.end.isoformat()
        assert all(r.people_count > 0 for r in recs)
        assert all(r.indicators for r in recs if r.notes)  # notes only where signs were seen


def test_same_seed_same_engagements(ws: Workspace, tmp_path: Path) -> None:
    assert simulate(ws, "--devices", "2", "--engagements", "30", "--seed", "9") == 0
    devices = ws.ops / "barnet-2023" / "devices"
    first = all_records(devices)
    assert simulate(ws, "--devices", "2", "--engagements", "30", "--seed", "9") == 2  # no clobber
    assert simulate(ws, "--devices", "2", "--engagements", "30", "--seed", "9", "--replace") == 0
    second = all_records(devices)
    assert list(first) == list(second)
    for name in first:
        a = [[getattr(r, f) for f in CONTENT] for r in first[name]]
        b = [[getattr(r, f) for f in CONTENT] for r in second[name]]
        assert a == b


def test_planted_clusters_run_hot(ws: Workspace) -> None:
    assert simulate(ws, "--devices", "4", "--engagements", "250", "--seed", "1") == 0
    devices = ws.ops / "barnet-2023" / "devices"
    planted = json.loads((devices / "simulation.json").read_text())["planted"]
    assert {p["venue"] for p in planted} == {
        "popup-cricklewood",
        "carwash-edgware-road",
        "site-brent-cross-town",
    }
    inside, outside = [], []
    for recs in all_records(devices).values():
        for r in recs:
            near = r.lat is not None and any(
                _metres(r.lat, r.lon, p["lat"], p["lon"]) <= p["radius_m"] for p in planted
            )
            (inside if near else outside).append(bool(r.indicators))
    assert len(inside) >= 40
    assert sum(inside) / len(inside) > 0.7
    assert sum(outside) / len(outside) < 0.35


def test_simulate_needs_loadouts(workspace: Workspace) -> None:
    (workspace.ops / "barnet-2023").mkdir()
    assert simulate(workspace, "--devices", "1") == 2  # no loadouts
    assert invoke("simulate", "no-such-op", "-w", workspace.root).returncode == 2


def _metres(lat1: float, lon1: float | None, lat2: float, lon2: float) -> float:
    assert lon1 is not None
    dy = (lat1 - lat2) * 111_320
    dx = (lon1 - lon2) * 111_320 * math.cos(math.radians(lat2))
    return math.hypot(dx, dy)


def test_partners_present_are_the_teams_roster_wherever_it_went(ws: Workspace) -> None:
    assert simulate(ws, "--devices", "4", "--engagements", "60", "--seed", "5") == 0
    devices = ws.ops / "barnet-2023" / "devices"
    for name, recs in all_records(devices).items():
        with Device.open(devices / name) as dev:
            loadout = dev.loadout
        off_plan = [r for r in recs if r.visit is None]
        assert off_plan  # street encounters and follow-ups
        for r in recs:
            when = datetime.fromisoformat(r.time)
            assert list(r.partners) == partners_present(loadout, when, r.officer), r
        if loadout.team == "alpha":  # an ANITP officer is counted wherever alpha went
            assert all("anitp" in r.partners for r in recs)
