"""The Log form's persons met one to one: the key counts, the referral rules as the officer goes,
the suggested route and referrer, edit and remove, labels never cut, snapshots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from fieldkit.codes.rules import RULES
from fieldkit.field import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.loadout import read_loadout
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import PeopleGroup, Person
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.engagement_form import EngagementForm
from fieldkit.tui.log.mode import LogMode
from fieldkit.tui.log.person_form import PersonForm
from fieldkit.tui.log.persons import PersonsList
from fieldkit.tui.log.referral import PersonEdit, Referral
from fieldkit.workspace import Workspace
from tests.support.log_form import NOW, CountedKeys, content, log_app, on_the_visit, to_log
from tests.support.paths import BARNET
from tests.support.tui import settle, visible_text

TALL = (100, 40)


def stored(ws: Workspace) -> list[Any]:
    with Device.open(ws.root) as dev:
        return [record for record, _ in dev.recent(5)]


async def test_a_group_with_no_concerns_takes_at_most_ten_keys(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        press = CountedKeys(pilot)
        await press("n")  # the form, prefilled from the shelter visit
        await press("f", "f")  # two women
        await press("o", "1")  # what was done: no concerns
        await press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    assert press.pressed == ["n", "f", "f", "o", "1", "ctrl+s"]
    assert len(press.pressed) <= 10
    [record] = stored(device_ws)
    assert content(record) == on_the_visit(
        people=(PeopleGroup("female", "unknown", "unknown", 2),), outcomes=("no_concerns",)
    )


async def test_a_person_referred_to_the_nrm_with_consent_takes_at_most_25_keys(
    device_ws: Workspace,
) -> None:
    """A woman of 18 to 24 from Romania, two signs, consents: the NRM by the logging officer
    (a Met officer, a first responder) is suggested; the outcome follows."""
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        press = CountedKeys(pilot)
        await press("n")
        await press("l", "l")  # the engagement's language: Romanian
        await press("p")  # a person met one to one
        assert isinstance(app.screen, PersonForm)
        await press("f", "a", "a", "c")  # female, 18 to 24, Romanian
        await press("1", "2")  # signs: long hours, under someone else's control
        await press("y")  # consents
        assert "Referred to the NRM / Referit în NRM (suggested)" in visible_text(app)
        assert "pc-hughes (PS Claire Hughes, Metropolitan Police Service)" in visible_text(app)
        await press("enter")
        assert isinstance(app.screen, EngagementForm)
        await press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    assert len(press.pressed) <= 25, press.pressed
    assert len(press.pressed) == 13
    [record] = stored(device_ws)
    person = Person(
        "female",
        "age_18_24",
        "romanian",
        language="romanian",
        signs=("long_hours", "under_control"),
        consent="yes",
        route="nrm",
        by="pc-hughes",
    )
    assert content(record) == on_the_visit(
        language="romanian", outcomes=("nrm_referral",), persons=(person,)
    )


async def test_a_broken_rule_is_shown_beside_the_person_and_nothing_is_saved(
    device_ws: Workspace,
) -> None:
    """A child with a sign, the route changed away from the NRM: the person's form says so as
    the officer goes; the engagement form refuses to save, the rule beside person 1."""
    english, romanian = RULES["child_to_nrm"]
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n", "p", "a", "1")  # under 18, long hours: the NRM is suggested
        assert "No referral rule broken." in visible_text(app)
        await pilot.press("r")  # the officer chooses the Duty to Notify instead
        rules = region_text(app, app.screen.query_one("#person-rules"))
        assert f"person 1: {english}" in rules and f"persoana 1: {romanian}" in rules
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EngagementForm)
        error = str(form.query_one("#error", Static).content)
        assert error.startswith("Not saved.") and "person 1" in error
        beside = region_text(app, form.query_one(PersonsList))
        assert "1. Other or not said · Under 18" in beside
        assert f"person 1: {english}" in beside and f"persoana 1: {romanian}" in beside
    assert stored(device_ws) == []


async def test_no_concerns_beside_a_sign_is_refused(device_ws: Workspace) -> None:
    english, romanian = RULES["no_concerns_with_signs"]
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n", "f", "1", "o", "1")  # a sign, then "no concerns"
        rules = region_text(app, app.screen.query_one("#rules"))
        assert english in rules and romanian in rules
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EngagementForm)
        assert str(app.screen.query_one("#error", Static).content).startswith("Not saved.")
        await pilot.press("1", "ctrl+s")  # the sign unticked: no concerns stands
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    [record] = stored(device_ws)
    assert (record.indicators, record.outcomes) == ((), ("no_concerns",))


async def test_add_edit_and_remove_persons(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n", "p", "f", "enter", "p", "m", "enter", "p", "x", "enter")
        form = app.screen
        assert isinstance(form, EngagementForm)
        assert [e.person.gender for e in form.persons] == ["female", "male", "other"]
        listing = form.query_one(PersonsList)
        assert listing.highlighted == 2  # the person just added
        listing.highlighted = 1
        await pilot.press("e")  # edit person 2
        assert isinstance(app.screen, PersonForm) and app.screen.number == 2
        await pilot.press("A", "escape")  # a change, then back: person 2 as it was
        assert form.persons[1].person.age_band == "unknown"
        await pilot.press("e", "A", "enter")  # 50 and over
        assert form.persons[1].person.age_band == "age_50_plus"
        listing.highlighted = 0
        await pilot.press("ctrl+d")  # remove person 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    [record] = stored(device_ws)
    assert [(p.gender, p.age_band) for p in record.persons] == [
        ("male", "age_50_plus"),
        ("other", "unknown"),
    ]


async def test_digits_tick_the_persons_signs_whatever_has_focus(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n", "p", "1")
        person = app.screen
        assert isinstance(person, PersonForm)
        signs = person.query_one("#person-signs", CodeChecklist)
        person.query_one("#person-fields").focus()  # not focusable: focus stays put
        await pilot.press("3", "down", "space")  # 3 ticks and highlights sign 3
        assert signs.chosen == ["long_hours", "malnourished", "little_or_no_money"]
        assert person.edit.person.signs == ("little_or_no_money", "long_hours", "malnourished")


@pytest.mark.parametrize(
    ("officer", "person", "route", "by"),
    [
        # a child with a sign: the NRM, by the Met officer logging
        (
            "pc-hughes",
            Person("female", "under_18", "romanian", signs=("owes_debt",)),
            "nrm",
            "pc-hughes",
        ),
        # no sign: no referral, nobody
        ("pc-hughes", Person("female", "under_18", "romanian"), "none", None),
        # an adult who consents: the NRM
        (
            "pc-hughes",
            Person("male", "age_25_34", "romanian", signs=("owes_debt",), consent="yes"),
            "nrm",
            "pc-hughes",
        ),
        # an adult who does not consent, met by a specified authority: the Duty to Notify
        (
            "pc-hughes",
            Person("male", "age_25_34", "romanian", signs=("owes_debt",), consent="no"),
            "duty_to_notify",
            "pc-hughes",
        ),
        # logged by ANITP (not a first responder): a Met officer of the team refers
        (
            "anitp-ionescu",
            Person("male", "under_18", "romanian", signs=("isolated",)),
            "nrm",
            "pc-hughes",
        ),
        # logged by ANITP, an adult who does not consent: no route is suggested
        (
            "anitp-ionescu",
            Person("male", "age_25_34", "romanian", signs=("isolated",), consent="no"),
            "none",
            None,
        ),
    ],
)
def test_the_suggested_route_and_referrer(
    tmp_path: Path, officer: str, person: Person, route: str, by: str | None
) -> None:
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    referral = Referral.of(read_loadout(op / "loadouts" / "alpha.json"), officer)
    suggested = PersonEdit(person).suggested(referral).person
    assert (suggested.route, suggested.by) == (route, by)
    chosen = PersonEdit(person, route_chosen=True, by_chosen=True).suggested(referral).person
    assert chosen == person  # what the officer chose stays


async def test_an_anitp_officers_device_suggests_a_met_officer_for_the_nrm(
    ws: Workspace, tmp_path: Path
) -> None:
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", ws.root, officer="anitp-ionescu", device_id="a-2")
    app = log_app(ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n", "p", "a", "1", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    [record] = stored(ws)
    assert record.officer == "anitp-ionescu"
    [person] = record.persons
    assert (person.age_band, person.route, person.by) == ("under_18", "nrm", "pc-hughes")


# -- labels are never cut ------------------------------------------------------------------


def region_text(app: FieldkitApp, widget: Widget) -> str:
    """The text a widget shows on screen, its lines joined and spaces collapsed (so a label
    that wraps reads whole; one cut with … does not)."""
    region = widget.scrollable_content_region.intersection(app.screen.region)
    lines = visible_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right] for line in lines).split())


@pytest.mark.parametrize("size", [(100, 40), (80, 24)])
async def test_labels_are_not_cut(device_ws: Workspace, size: tuple[int, int]) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=size) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        form = app.screen
        for name in ("#indicators", "#outcomes", "#partners"):
            checklist = form.query_one(name, CodeChecklist)
            checklist.scroll_visible(immediate=True)
            cut = []
            for index, code in enumerate(checklist.codes):
                checklist.highlighted = index
                label = f"{code.en} / {code.ro}"
                for _ in range(20):  # scrolling to the highlighted row may take a few frames
                    await pilot.pause()
                    if label in region_text(app, checklist):
                        break
                else:
                    cut.append(code.code)
            assert cut == [], f"{name}: labels cut at {size}"
        await pilot.press("p", "a", "c", "y", "r", "r")  # route chosen: the Duty to Notify
        person = app.screen
        assert isinstance(person, PersonForm)
        shown = region_text(app, person.query_one("#person-fields"))
        for label in (
            "Under 18 / Sub 18 ani",
            "Romanian / Română",
            "Consents / Își dă acordul",
            "Notified under the Duty to Notify (MS1) / Notificat conform obligației de "
            "notificare (MS1)",
            "pc-hughes (PS Claire Hughes, Metropolitan Police Service)",
            "No interpreter / Fără interpret",
        ):
            assert label in shown, f"{label!r} cut at {size}"


# -- snapshots -----------------------------------------------------------------------------


async def a_person_referred(pilot: Pilot[None]) -> None:
    await to_log(pilot)
    await pilot.press("n", "f", "f", "m", "p", "f", "a", "a", "c", "1", "2", "y", "enter")
    await settle(pilot)


def test_form_with_a_person_snapshot(device_ws: Workspace, snap_compare: Any) -> None:
    assert snap_compare(log_app(device_ws), terminal_size=TALL, run_before=a_person_referred)


def test_person_form_snapshot(device_ws: Workspace, snap_compare: Any) -> None:
    async def open_person(pilot: Pilot[None]) -> None:
        await a_person_referred(pilot)
        # the NRM chosen, then consent "no": an adult's NRM referral needs consent (a rule)
        await pilot.press("e", "r", "R", "y")
        await settle(pilot)

    assert snap_compare(log_app(device_ws), terminal_size=TALL, run_before=open_person)


async def test_a_person_typed_ahead_lands_whole(device_ws: Workspace) -> None:
    """A quick officer's keys arrive in one burst: those after p belong to the person's form,
    even before it is drawn; the save comes last."""
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("n")
        await settle(pilot)
        for key in ("p", "m", "a", "1", "4", "enter", "m", "ctrl+s"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    [record] = stored(device_ws)
    assert record.people == (PeopleGroup("male", "unknown", "unknown", 1),)
    assert record.persons == (
        Person(
            "male",
            "under_18",
            "unknown",
            signs=("little_or_no_money", "long_hours"),
            route="nrm",
            by="pc-hughes",
        ),
    )
    assert record.outcomes == ("nrm_referral",)


async def test_amending_keeps_the_persons_and_changes_one(
    device_ws: Workspace, device: Device
) -> None:
    person = Person(
        "female",
        "age_25_34",
        "romanian",
        language="romanian",
        signs=("owes_debt",),
        consent="yes",
        route="nrm",
        by="pc-okafor",
        ref="NRM-2023-0412",
    )
    draft = device.prefill(NOW.replace(minute=5)).update(
        persons=[person], outcomes=["nrm_referral"], language="romanian"
    )
    old = device.save(draft).id
    app = log_app(device_ws)
    async with app.run_test(size=TALL) as pilot:
        await to_log(pilot)
        await pilot.press("tab", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EngagementForm) and form.amending
        assert "by pc-okafor" in region_text(app, form.query_one(PersonsList))
        await pilot.press("e")
        assert isinstance(app.screen, PersonForm)
        assert app.screen.query_one("#person-ref", Input).value == "NRM-2023-0412"
        await pilot.press("i", "ctrl+s")  # an independent interpreter; save
        await settle(pilot)
        assert isinstance(app.screen, LogMode)
    [first, second] = device.history(old)
    assert second.amends == old
    assert second.persons == (replace(person, interpreter="independent"),)
    assert content(second) == {**content(first), "persons": second.persons, "amends": old}


async def test_help_lists_the_forms_keys(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=(120, 90)) as pilot:  # tall enough for every key at once
        await to_log(pilot)
        await pilot.press("n", "question_mark")
        await settle(pilot)
        text = " ".join(visible_text(app).split())
        for words in (
            "1 … 9, 0 Log form tick sign 1 … 10",
            "o then 1 … 0 Log form tick outcome 1 … 10",
            "f m x Log form one more woman, man, other or not said in the crowd",
            "p Log form a person met one to one",
            "y r b i (Y R B I) Person form next (previous) consent, route, referral by,",
        ):
            assert words in text
