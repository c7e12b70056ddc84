"""The device's front doors: enrol, log, amend, save a draft; what each returns and stores."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fieldkit.field.device import Device, NothingChanged
from fieldkit.field.enroll import EnrolError
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.service import amend_engagement, log_engagement, save_engagement
from fieldkit.sync.enrol import enrol_device
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    return folder / "loadouts" / "bravo.json"


def test_enrolment_says_which_device_it_made(tmp_path: Path, loadout: Path) -> None:
    done = enrol_device(loadout, tmp_path / "dev")
    written = json.loads((tmp_path / "dev" / "device" / "device.json").read_text("utf-8"))
    assert done.info == written
    assert (done.device_id, done.team, done.officer) == (
        written["device_id"],
        "bravo",
        written["officer"],
    )
    assert done.root == (tmp_path / "dev").resolve() and not done.with_credential
    with pytest.raises(EnrolError, match="already enrolled"):
        enrol_device(loadout, tmp_path / "dev")


def test_log_then_amend_store_one_record_each(tmp_path: Path, loadout: Path) -> None:
    enrol_device(loadout, tmp_path / "dev")
    with Device.open(tmp_path / "dev") as dev:
        visit = dev.loadout.assignments[0]
        when = visit.start + timedelta(minutes=10)
        logged = log_engagement(dev, {"time": when, "outcomes": ["leaflet_given"]})
        assert logged.sync == "pending" and logged.amends is None
        assert logged.record.visit == visit.visit and dev.store.count() == 1
        assert dev.pending_count() == 1
        fixed = amend_engagement(dev, logged.record.id, {"outcomes": ["helpline_signposted"]})
        assert fixed.amends == logged.record.id and fixed.sync == "pending"
        assert fixed.record.outcomes == ("helpline_signposted",)
        assert dev.store.count() == 2 and dev.pending_count() == 2
        with pytest.raises(NothingChanged):
            amend_engagement(dev, fixed.record.id, {"outcomes": ["helpline_signposted"]})
        assert dev.store.count() == 2


def test_a_venue_of_its_own_drops_the_prefilled_visit(tmp_path: Path, loadout: Path) -> None:
    enrol_device(loadout, tmp_path / "dev")
    with Device.open(tmp_path / "dev") as dev:
        visit = dev.loadout.assignments[0]
        when = visit.start + timedelta(minutes=10)
        lat, lon = 51.6, -0.2
        logged = log_engagement(dev, {"time": when, "lat": lat, "lon": lon, "venue_type": "other"})
        assert logged.record.visit is None and logged.record.venue is None
        assert (logged.record.lat, logged.record.lon) == (lat, lon)


def test_a_draft_saved_through_the_door_is_the_one_stored(tmp_path: Path, loadout: Path) -> None:
    enrol_device(loadout, tmp_path / "dev")
    with Device.open(tmp_path / "dev") as dev:
        draft = dev.prefill(dev.loadout.assignments[0].start + timedelta(minutes=5))
        draft.update(outcomes=["no_concerns"])
        saved = save_engagement(dev, draft)
        assert dev.store.get(saved.record.id) == saved.record
        assert [r.id for r, _ in dev.records()] == [saved.record.id]
