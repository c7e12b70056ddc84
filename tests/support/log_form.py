"""The Log mode as its tests drive it: the Barnet week's Monday on team alpha's device, the app at
that moment, and the way into Log mode."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.widgets import Select

from fieldkit.model import ENGAGEMENT_FORMAT_2, Engagement
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.log.confirm_time import ConfirmTime
from fieldkit.tui.log.mode import LogMode
from fieldkit.workspace import Workspace
from tests.support.tui import settle

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2023, 9, 25, 10, 20, tzinfo=LONDON)
"""Monday of the Barnet week: team alpha's shelter visit (10:00-11:00) is under way."""

VISIT = "shelter-visits-mon-0-shelter-finchley"


def log_app(ws: Workspace, now: datetime = NOW) -> FieldkitApp:
    return make_app(ws, now=lambda: now)


async def to_log(pilot: Pilot[None]) -> LogMode:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LogMode)
    return pilot.app.screen


OUTSIDE = datetime(2024, 1, 15, 10, 20, tzinfo=LONDON)
"""A day months after the Barnet week (2023-09-24 to 2023-09-30)."""


async def save_outside_the_operation(pilot: Pilot[None]) -> ConfirmTime:
    """From Home, a new engagement at the Finchley shelter saved at OUTSIDE (the app made by
    `log_app(ws, OUTSIDE)`): the question it asks first."""
    await to_log(pilot)
    await pilot.press("n", "f")
    await settle(pilot)
    pilot.app.screen.query_one("#venue", Select).value = "shelter-finchley"
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmTime)
    return pilot.app.screen


class CountedKeys:
    """pilot.press that counts every key it sends."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.pressed: list[str] = []

    async def __call__(self, *keys: str) -> None:
        self.pressed.extend(keys)
        await self.pilot.press(*keys)


MADE_ON_SAVE = ("id", "hlc", "recorded_at", "prev_hash", "hash", "signature", "seals")
"""A stored record's fields the device sets when it saves (ids, clocks, the seal)."""


def content(record: Engagement) -> dict[str, Any]:
    """Everything a stored record holds except what the device sets on saving."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in MADE_ON_SAVE}


def on_the_visit(**changes: Any) -> dict[str, Any]:
    """What an engagement logged on team alpha's device at NOW holds: the shelter visit,
    prefilled, and `changes`."""
    expected: dict[str, Any] = {
        "device": "alpha-0001",
        "officer": "pc-hughes",
        "operation": "barnet-2023",
        "team": "alpha",
        "timezone": "Europe/London",
        "time": NOW.isoformat(),
        "venue_type": "homeless_shelter",
        "visit": VISIT,
        "venue": "shelter-finchley",
        "lat": None,
        "lon": None,
        "accuracy_m": None,
        "people": (),
        "language": None,
        "interpreter": False,
        "partners": ("anitp", "met_police"),  # team alpha on duty that day: its roster
        "indicators": (),
        "outcomes": (),
        "referral_ref": None,
        "notes": None,
        "amends": None,
        "format": ENGAGEMENT_FORMAT_2,
        "persons": (),
        "kind": "engagement",
        "activity": None,
        "position_source": "venue",  # no GPS receiver in these tests: the venue's position
    }
    assert set(changes) <= set(expected)
    return {**expected, **changes}
