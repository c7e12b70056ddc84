"""Log mode: today's visits, an engagement in at most ten keys, amend, errors, the quick exit."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from fieldkit.field import Device
from fieldkit.model import PeopleGroup
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.confirm_time import ConfirmTime
from fieldkit.tui.log.engagement_form import EngagementForm
from fieldkit.tui.log.mode import LogMode
from fieldkit.tui.log.people import PeoplePicker
from fieldkit.workspace import Workspace
from tests.support.log_form import (
    NOW,
    OUTSIDE,
    VISIT,
    log_app,
    save_outside_the_operation,
    to_log,
)
from tests.support.tui import SIZE, assert_covered, settle, visible_text


def seed(device: Device) -> str:
    """One engagement logged earlier on the visit; returns its id."""
    draft = device.prefill(NOW.replace(minute=5)).update(
        people=[PeopleGroup("male", "age_25_34", "romanian", 1)],
        indicators=["owes_debt"],
        outcomes=["leaflet_given"],
        language="romanian",
    )
    return device.save(draft).id


async def type_ahead(pilot: Pilot[None], people: tuple[str, ...], *keys: str) -> None:
    """Open the form, set the people, then post `keys` at once as a terminal driver does for a
    quick typist (Pilot.press would wait for each key to be handled)."""
    await to_log(pilot)
    await pilot.press("n", *people)
    await settle(pilot)
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_ahead_land_in_order_before_the_save(device_ws: Workspace) -> None:
    """A terminal delivers a quick officer's keys in one burst: the save must come last."""
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await type_ahead(pilot, ("f", "f"), "1", "o", "2", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    with Device.open(device_ws.root) as dev:
        [(record, _)] = dev.recent(5)
    assert record.people == (PeopleGroup("female", "unknown", "unknown", 2),)
    assert (record.indicators, record.outcomes) == (("long_hours",), ("leaflet_given",))


async def test_save_then_quit_typed_ahead_stores_the_engagement(device_ws: Workspace) -> None:
    """ctrl+s then ctrl+q at once: the app quits only after the engagement is stored."""
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await type_ahead(pilot, ("m", "m", "m"), "2", "ctrl+s", "ctrl+q")
        for _ in range(200):  # until the app has exited (never a blind sleep)
            if app.return_code is not None:
                break
            await asyncio.sleep(0.02)
    assert app.return_code == 0
    with Device.open(device_ws.root) as dev:
        [(record, state)] = dev.recent(5)
        report = dev.verify()
    assert state == "pending"
    assert record.people == (PeopleGroup("male", "unknown", "unknown", 3),)
    assert record.indicators == ("under_control",)
    assert report.ok and report.checked == 1


async def test_todays_visits_with_the_current_one_marked(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_log(pilot)
        lines = visible_text(app).splitlines()
        current = [n for n, line in enumerate(lines) if "▶ now" in line]
        assert len(current) == 1
        # Labels wrap in their columns: the row's first two lines hold the activity.
        row = " ".join(" ".join(lines[current[0] : current[0] + 2]).split())
        assert "Homeless shelter" in row and "outreach" in row
        assert any("done" in line and "Luton" in line for line in lines)
        assert "Pending sync: 0" in visible_text(app)
        table = screen.query_one("#assignments", DataTable)
        assert table.row_count == 2 and table.cursor_row == 1
        assert "device alpha-0001 · Mon 25 Sep 2023 10:20" in visible_text(app)


async def test_a_group_with_signs_and_an_outcome_takes_at_most_ten_keys(
    device_ws: Workspace,
) -> None:
    app = log_app(device_ws)
    pressed: list[str] = []
    async with app.run_test(size=SIZE) as pilot:

        async def press(*keys: str) -> None:
            pressed.extend(keys)
            await pilot.press(*keys)

        await to_log(pilot)
        await press("n")  # the form, prefilled from the shelter visit
        await press("f", "f")  # two women
        await press("1", "2")  # signs: long hours, under someone's control
        await press("o", "2")  # outcome: information or leaflet given
        await press("ctrl+s")
        await settle(pilot)
        assert len(pressed) <= 10, pressed
        assert isinstance(app.screen, LogMode)
        assert "Pending sync: 1" in visible_text(app)
        assert app.screen.query_one("#recent", DataTable).row_count == 1
    with Device.open(device_ws.root) as dev:
        [(record, state)] = dev.recent(5)
    assert state == "pending"
    assert (record.venue, record.visit, record.venue_type) == (
        "shelter-finchley",
        VISIT,
        "homeless_shelter",
    )
    assert record.partners == ("anitp", "met_police")  # alpha's roster, not the visit's needs
    assert record.people == (PeopleGroup("female", "unknown", "unknown", 2),)
    assert record.indicators == ("long_hours", "under_control")
    assert record.outcomes == ("leaflet_given",)
    assert datetime.fromisoformat(record.time) == NOW
    assert record.amends is None and record.notes is None


async def test_indicators_are_a_checklist_in_english_and_romanian(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=(180, 40)) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        text = visible_text(app)
        assert "Long hours and rarely a day off / Program lung și rareori o zi liberă" in text
        checklist = app.screen.query_one("#indicators", CodeChecklist)
        await pilot.press("space", "down", "down", "space", "1")
        assert checklist.chosen == ["malnourished"]  # space toggles, and 1 toggled long_hours off
        outcomes = app.screen.query_one("#outcomes", CodeChecklist)
        assert outcomes.chosen == []


async def test_people_keys_count_gender_age_nationality_and_groups(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n", "m", "number_sign", "1", "2", "enter", "a", "a", "c")
        picker = app.screen.query_one(PeoplePicker)
        assert picker.groups == [PeopleGroup("male", "age_18_24", "romanian", 12)]
        await pilot.press("f", "f", "g", "A", "minus", "f", "plus")
        assert picker.groups == [
            PeopleGroup("male", "age_18_24", "romanian", 12),
            PeopleGroup("female", "unknown", "unknown", 4),
        ]
        assert "12 × Male · age 18 to 24 · nationality Romanian" in visible_text(app)
        assert app.screen.query_one("#count", Input).value == "4"


async def test_amend_opens_the_record_and_saves_a_new_version(
    device_ws: Workspace, device: Device
) -> None:
    old = seed(device)
    newer = seed(device)
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_log(pilot)
        recent = screen.query_one("#recent", DataTable)
        assert recent.row_count == 2
        await pilot.press("tab", "down")  # the recent engagements, the older one
        assert recent.coordinate_to_cell_key(recent.cursor_coordinate).row_key.value == old
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EngagementForm) and form.amending
        assert form.query_one(PeoplePicker).groups == [
            PeopleGroup("male", "age_25_34", "romanian", 1)
        ]
        assert form.query_one("#indicators", CodeChecklist).chosen == ["owes_debt"]
        assert form.query_one("#outcomes", CodeChecklist).chosen == ["leaflet_given"]
        assert form.query_one("#time", Input).value == "10:05"
        await pilot.press("o", "3", "ctrl+s")  # add: helpline signposted
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
        assert "amended" in visible_text(app)
    versions = device.history(old)
    assert [v.id for v in versions][0] == old
    assert len(versions) == 2
    assert versions[1].amends == old
    assert set(versions[1].outcomes) == {"leaflet_given", "helpline_signposted"}
    assert versions[1].indicators == ("owes_debt",) and versions[1].visit == VISIT
    assert len(device.history(newer)) == 1


async def test_an_amendment_that_changes_nothing_is_refused(
    device_ws: Workspace, device: Device
) -> None:
    """The form shows HH:MM; saving it unchanged must not store a new version (not even one
    that only drops the seconds of the time)."""
    draft = device.prefill(NOW.replace(minute=5, second=37)).update(outcomes=["leaflet_given"])
    old = device.save(draft).id
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("tab", "a")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm) and app.screen.amending
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        error = str(app.screen.query_one("#error", Static).content)
        assert error.startswith("Not saved.") and "changes nothing" in error
    assert [v.id for v in device.history(old)] == [old]


async def test_a_time_outside_the_operation_asks_before_saving(device_ws: Workspace) -> None:
    app = log_app(device_ws, OUTSIDE)
    async with app.run_test(size=SIZE) as pilot:
        asked = await save_outside_the_operation(pilot)
        assert "Save anyway (y)" in visible_text(app)
        text = str(asked.query_one("#confirm-time-text", Static).content)
        assert "Mon 15 Jan 2024 10:20" in text
        assert "outside the operation's dates (2023-09-24 to 2023-09-30)" in text
        await pilot.press("escape")  # not now: back to the form, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        with Device.open(device_ws.root) as dev:
            assert dev.recent(5) == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmTime)
        await pilot.press("y")  # yes: save it as it is
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    with Device.open(device_ws.root) as dev:
        [(record, _)] = dev.recent(5)
    assert record.time == OUTSIDE.isoformat()


async def test_quick_exit_while_typing_in_the_form(device_ws: Workspace, device: Device) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        await settle(pilot)
        notes = app.screen.query_one("#notes", Input)
        notes.focus()
        await pilot.press(*"seen at 1", "h")
        assert notes.value == "seen at 1h"  # mode keys type into a field, never leave it
        await pilot.press("f12")
        await pilot.pause()
        assert_covered(app)
    assert device.recent(5) == []


async def test_mode_keys_and_one_escape_keep_the_form(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n", "h", "1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, EngagementForm)
        assert "Press Esc again" in str(app.screen.query_one("#error", Static).content)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)


async def test_a_refused_save_is_said_in_plain_words(device_ws: Workspace) -> None:
    (device_ws.root / "device" / "device.key").unlink()
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n", "f", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        error = str(app.screen.query_one("#error", Static).content)
        assert error.startswith("Not saved.") and "key" in error
        assert "Traceback" not in visible_text(app)
        await pilot.press("f12")  # still one key away from the cover
        await pilot.pause()
        assert_covered(app)
    with Device.open(device_ws.root) as dev:
        assert dev.recent(5) == []


async def test_away_from_any_visit_the_form_asks_for_the_venue(device_ws: Workspace) -> None:
    app = log_app(device_ws, NOW.replace(hour=3))
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        assert "▶ now" not in visible_text(app)
        await pilot.press("n", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        error = str(app.screen.query_one("#error", Static).content)
        assert error == "Not saved. Choose the venue before saving."


async def test_a_device_folder_that_is_not_a_device_says_so(ws: Workspace) -> None:
    (ws.root / "device").mkdir()
    app = log_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        text = visible_text(app)
        assert "cannot be used as an enrolled device" in text
        assert "device/device.json is missing" in text
        assert str(ws.root) not in text
        await pilot.press("n")  # nothing to log on
        assert isinstance(app.screen, LogMode)


def test_log_mode_snapshot(device_ws: Workspace, device: Device, snap_compare: Any) -> None:
    seed(device)
    assert snap_compare(log_app(device_ws), terminal_size=SIZE, run_before=to_log)


def test_engagement_form_snapshot(device_ws: Workspace, snap_compare: Any) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await to_log(pilot)
        await pilot.press("n", "f", "f", "1")
        await settle(pilot)

    assert snap_compare(log_app(device_ws), terminal_size=SIZE, run_before=open_form)


async def test_a_digit_ticks_the_same_sign_whatever_has_focus(device_ws: Workspace) -> None:
    """1 ticks sign 1 with the form just opened, from the outcomes list and from the people:
    never a count here and an outcome there."""
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EngagementForm)
        signs = form.query_one("#indicators", CodeChecklist)
        outcomes = form.query_one("#outcomes", CodeChecklist)
        people = list(form.query_one(PeoplePicker).groups)
        await pilot.press("1")
        assert signs.chosen == ["long_hours"]
        outcomes.focus()
        await pilot.press("2")
        assert signs.chosen == ["long_hours", "under_control"]
        assert outcomes.chosen == []
        form.query_one(PeoplePicker).focus()
        await pilot.press("1")
        assert signs.chosen == ["under_control"]
        assert form.query_one(PeoplePicker).groups == people


async def test_o_makes_the_next_digit_an_outcome_and_only_the_next(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("n", "o", "2")
        form = app.screen
        assert isinstance(form, EngagementForm)
        signs = form.query_one("#indicators", CodeChecklist)
        outcomes = form.query_one("#outcomes", CodeChecklist)
        assert (signs.chosen, outcomes.chosen) == ([], ["leaflet_given"])
        await pilot.press("o", "f", "3")  # another key between: 3 is a sign
        assert (signs.chosen, outcomes.chosen) == (["malnourished"], ["leaflet_given"])
        await pilot.press("o", "escape", "1")  # escape drops the o, and discards nothing
        assert (signs.chosen, outcomes.chosen) == (
            ["long_hours", "malnourished"],
            ["leaflet_given"],
        )
        assert isinstance(app.screen, EngagementForm) and not form.cancel_armed
