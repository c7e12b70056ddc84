"""On a field device, Home and Review say what an officer can do there, not planner advice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fieldkit.field import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import PeopleGroup
from fieldkit.tui import make_app
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.workspace import Workspace
from tests.support.paths import BARNET
from tests.support.tui import SIZE, settle, visible_text

NOW = datetime(2023, 9, 25, 10, 20, tzinfo=ZoneInfo("Europe/London"))
PLANNER_ADVICE = ("fieldkit plan", "Plan one with", "plan one with", "Playbooks", "playbook")


@pytest.fixture
def phone(tmp_path: Path) -> Workspace:
    """A device workspace as `fieldkit device enroll` makes it, with three engagements logged."""
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", tmp_path / "alpha-phone", device_id="alpha-0001")
    with Device.open(tmp_path / "alpha-phone") as dev:
        for minute in (5, 10, 15):
            draft = dev.prefill(NOW.replace(minute=minute)).update(
                people=[PeopleGroup("female", "age_25_34", "romanian", 1)],
                outcomes=["leaflet_given"],
            )
            dev.save(draft)
    return Workspace(tmp_path / "alpha-phone")


async def test_a_device_home_shows_its_team_pending_records_and_keys(phone: Workspace) -> None:
    app = make_app(phone, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = visible_text(app)
        assert "Device alpha-0001" in text
        assert "team alpha" in text.lower() and "pc-hughes" in text
        assert "3 engagements on this device, 3 waiting to sync" in text
        assert "2  Log" in text and "3  Sync" in text
        for advice in PLANNER_ADVICE:
            assert advice not in text, advice
        await pilot.press("2")  # the keys it names work
        await settle(pilot)
        assert app.current_mode == "log"


async def test_a_device_review_says_what_a_device_can_review(phone: Workspace) -> None:
    app = make_app(phone, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, ReviewMode)
        text = visible_text(app)
        assert "its own records" in text and "fieldkit log verify" in text
        assert "3 engagements" in text
        assert "chain and signatures intact" in text
        for advice in PLANNER_ADVICE:
            assert advice not in text, advice
