"""A GPS fix from gpsd (a fake one on 127.0.0.1): read, stored with the record, or the venue."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from fieldkit.central.content import CONTENT_RULES, NO_CONTEXT, broken
from fieldkit.central.shape import shape_problem
from fieldkit.field.gps import FixState, current_fix, gpsd_address, read_fix
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Engagement
from tests.support.cli import invoke
from tests.support.fake_gpsd import NO_FIX, fake_gpsd, tpv
from tests.support.paths import BARNET

STOOD = (51.57612, -0.22381)  # near Brent Cross, where the officer stood


def test_a_fix_is_read_with_its_accuracy() -> None:
    with fake_gpsd([NO_FIX, tpv(*STOOD, eph=7.5)]) as gpsd:
        state = read_fix(("127.0.0.1", gpsd.port))
    assert state.fix is not None
    assert (state.fix.lat, state.fix.lon, state.fix.accuracy_m) == (*STOOD, 7.5)
    assert state.text() == "GPS 3D fix ±8 m"


def test_no_fix_yet_is_said() -> None:
    with fake_gpsd([NO_FIX, NO_FIX]) as gpsd:
        state = read_fix(("127.0.0.1", gpsd.port), wait_s=0.5)
    assert state.fix is None and "no fix yet" in state.text()


def test_a_gpsd_that_never_answers_gives_up() -> None:
    with fake_gpsd([], silent=True) as gpsd:
        state = read_fix(("127.0.0.1", gpsd.port), wait_s=0.5)
    assert state.fix is None and state.text().startswith("GPS: no answer from gpsd at 127.0.0.1")


def test_nothing_listening_is_said() -> None:
    with fake_gpsd([]) as gpsd:
        port = gpsd.port
    state = read_fix(("127.0.0.1", port), wait_s=0.5)
    assert state.fix is None and "cannot read from gpsd" in state.text()


@pytest.mark.parametrize(
    ("value", "address"),
    [("", None), ("127.0.0.1:2950", ("127.0.0.1", 2950)), ("gps.local", ("gps.local", 2947))],
)
def test_gpsd_address_from_the_environment(value: str, address: object) -> None:
    assert gpsd_address({"FIELDKIT_GPSD": value}) == address


@pytest.mark.parametrize("value", ["host:port", ":2947", "host:99999"])
def test_a_bad_gpsd_address_is_named(value: str) -> None:
    state = current_fix({"FIELDKIT_GPSD": value})
    assert state.fix is None and "FIELDKIT_GPSD" in state.text() and state.configured


def test_unset_means_gps_off() -> None:
    assert current_fix({}) == FixState(None, "off (FIELDKIT_GPSD not set)", configured=False)


# -- records ------------------------------------------------------------------------------


@pytest.fixture
def dev(tmp_path: Path) -> Path:
    ops = write_sample_loadouts(BARNET, tmp_path / "ops")
    done = invoke("device", "enroll", ops / "loadouts/delta.json", "-w", tmp_path / "dev")
    assert done.returncode == 0, done.stderr
    return tmp_path / "dev"


def _add(dev: Path, gpsd: str | None, *extra: str) -> tuple[dict[str, object], str]:
    env = {"FIELDKIT_GPSD": gpsd or ""}
    done = invoke("log", "add", "--time", "2023-09-26T11:20", "--json", "-w", dev, *extra, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_log_add_with_a_receiver_carries_its_fix(dev: Path) -> None:
    with fake_gpsd([tpv(*STOOD, eph=4.0)]) as gpsd:
        record, _ = _add(dev, gpsd.address)
    assert (record["lat"], record["lon"], record["accuracy_m"]) == (*STOOD, 4.0)
    assert record["position_source"] == "gps" and record["venue"]  # the venue is still named
    done = invoke("log", "verify", "-w", dev)
    assert done.returncode == 0, done.stderr


def test_log_add_without_a_fix_keeps_the_venue_and_says_so(dev: Path) -> None:
    with fake_gpsd([], silent=True) as gpsd:
        record, err = _add(dev, gpsd.address)
    assert record["lat"] is None and record["position_source"] == "venue"
    assert "no answer from gpsd" in err and "saved with its venue's position" in err


def test_gps_off_places_the_record_at_its_venue_quietly(dev: Path) -> None:
    record, err = _add(dev, None)
    assert record["position_source"] == "venue" and record["lat"] is None and err == ""


def test_a_typed_position_claims_no_source(dev: Path) -> None:
    with fake_gpsd([tpv(*STOOD)]) as gpsd:
        record, _ = _add(
            dev, gpsd.address, "--lat", "51.6", "--lon", "-0.2", "--venue-type", "car_wash"
        )
    assert (record["lat"], record["lon"]) == (51.6, -0.2) and "position_source" not in record
    assert gpsd.watches == 0  # gpsd was not even asked


def _sample() -> Engagement:
    return Engagement(
        id="0190f0a0-0000-7000-8000-000000000001", device="d", officer="o", operation="op",
        team="t", hlc="h", recorded_at="2023-09-26T10:00:00+01:00", timezone="Europe/London",
        time="2023-09-26T10:00:00+01:00", venue_type="car_wash", venue="carwash",
        format="fieldkit-engagement/2",
    )  # fmt: skip


def test_records_without_a_source_hash_as_before() -> None:
    old = _sample()
    assert "position_source" not in old.to_dict()
    assert Engagement.from_dict(old.to_dict()).compute_hash() == old.compute_hash()
    gps = replace(old, lat=51.6, lon=-0.2, accuracy_m=5.0, position_source="gps")
    assert gps.compute_hash() != old.compute_hash()  # the source is signed with the rest
    assert Engagement.from_json(gps.canonical()).position_source == "gps"


def test_central_accepts_both_and_refuses_a_false_source() -> None:
    base = {**_sample().to_dict(), "hash": "x", "signature": "y"}

    def problems(**fields: object) -> list[str]:
        data = {**base, **fields}
        shape = shape_problem(data)
        found = [shape] if shape else broken(CONTENT_RULES, data, NO_CONTEXT)
        return [p for p in found if "position" in p or "lat" in p]  # not the context's

    assert problems() == []
    assert problems(lat=51.6, lon=-0.2, position_source="gps") == []
    assert problems(position_source="venue") == []
    assert problems(position_source="gps") == ["position_source gps with no lat and lon"]
    assert any("'moon' is not gps or venue" in p for p in problems(position_source="moon"))
    assert problems(position_source="venue", venue=None) == ["position_source venue with no venue"]
    old = {**base, "format": "fieldkit-engagement/1"}
    assert "position_source is not a field of format 1 records" in broken(
        CONTENT_RULES, {**old, "position_source": "venue"}, NO_CONTEXT
    )
