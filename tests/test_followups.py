"""Follow-ups at central: `fieldkit followups` lists the open ones, `followups update` appends a
status event when the code lists allow it and refuses (exit 2, naming the current status and
what may follow) when not; events are never changed; the store migrates to schema 3."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from fieldkit.central.followups import events, follow_ups, short_id
from fieldkit.central.ingest import ingest
from fieldkit.central.store import SCHEMA_VERSION, Central, central_path
from fieldkit.encrypted_store import DATABASE_ERRORS
from fieldkit.model import Engagement
from fieldkit.workspace import Workspace
from tests.support.cli import WIDE, fieldkit, invoke
from tests.support.followups import (
    BROTHEL,
    CARWASH_VISIT,
    DEVICE,
    GIRL_NRM,
    MAN_NOTIFIED,
    NOW,
    NOW_ENV,
    OP,
    SECRET_NOTE,
    SECRET_REF,
    SHELTER_VISIT,
    WOMAN_NOT_REFERRED,
    WOMAN_NRM,
    WOMAN_PARTNER,
    device_key,
    moment,
    referrals_workspace,
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return referrals_workspace(tmp_path)


def followups(ws: Workspace, *args: str) -> tuple[int, str, str]:
    done = invoke("followups", *args, "--workspace", str(ws.root), env={**NOW_ENV, **WIDE})
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def listed(ws: Workspace, *args: str) -> dict[str, dict[str, object]]:
    code, out, err = followups(ws, *args, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["format"] == "fieldkit-followups/1" and doc["as_of"] == NOW
    return {f["id"]: f for f in doc["follow_ups"]}


def test_the_open_follow_ups_are_listed_with_age_route_agency_and_days(ws: Workspace) -> None:
    found = listed(ws, OP)
    assert list(found) == [WOMAN_NRM, GIRL_NRM, CARWASH_VISIT, MAN_NOTIFIED, WOMAN_PARTNER]
    assert WOMAN_NOT_REFERRED not in found and SHELTER_VISIT not in found  # revisited on Fri
    woman, girl, man, nails = (found[i] for i in (WOMAN_NRM, GIRL_NRM, MAN_NOTIFIED, WOMAN_PARTNER))
    assert (woman["age_band"], woman["route"]) == ("age_18_24", "nrm")
    assert woman["agency"] == "met_police"
    assert (girl["age_band"], girl["route"]) == ("under_18", "nrm")
    assert (man["route"], man["status"]) == ("duty_to_notify", "referred")
    assert (nails["route"], nails["agency"]) == ("partner_support", "anitp")
    # Tue 26 Sep 19:30 to Mon 2 Oct 09:00 is 6 days; Fri 29 Sep is 3.
    assert [found[i]["days_open"] for i in found] == [6, 6, 5, 5, 3]
    visit = found[CARWASH_VISIT]
    assert (visit["kind"], visit["status"], visit["venue"]) == (
        "engagement",
        "follow_up_needed",
        "carwash-edgware-road",
    )


def test_the_table_shows_ids_and_never_names_or_notes(ws: Workspace) -> None:
    # its own process: the console's width is read from COLUMNS once, when the CLI starts
    done = fieldkit("followups", "--workspace", ws.root, env={**NOW_ENV, **WIDE})
    code, out = done.returncode, done.stdout
    assert code == 0, done.stderr
    for text in (WOMAN_NRM, GIRL_NRM, MAN_NOTIFIED, "partner_support", "under_18", "6"):
        assert text in out
    assert "4 person(s) referred with a follow-up open, 1 engagement(s)" in out
    _, as_json, _ = followups(ws, "--json")
    for secret in (SECRET_REF, SECRET_NOTE):
        assert secret not in out and secret not in as_json


def test_an_update_is_stored_and_read_back_through_the_entry_point(ws: Workspace) -> None:
    done = fieldkit(
        "followups", "update", WOMAN_NRM.lower(), "--status", "reasonable_grounds_positive",
        "--workspace", ws.root, env=NOW_ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{WOMAN_NRM}: reasonable_grounds_positive (was referred)" in done.stdout
    code, _, err = followups(
        ws, "update", WOMAN_NRM, "--status", "returned_home_assisted", "--partner", "anitp"
    )
    assert code == 0, err
    with Central(central_path(ws.sync)) as store:
        stored = events(store, WOMAN_NRM)
    assert [(e.status, e.partner, e.at) for e in stored] == [
        ("reasonable_grounds_positive", None, NOW),
        ("returned_home_assisted", "anitp", NOW),
    ]
    assert all(e.entered_by for e in stored)
    assert WOMAN_NRM not in listed(ws)  # returned home: closed
    with Central(central_path(ws.sync)) as store:
        closed = {f.id: f for f in follow_ups(store, open_only=False, now=moment())}
    assert closed[WOMAN_NRM].history == (
        "referred",
        "reasonable_grounds_positive",
        "returned_home_assisted",
    )


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ([], ("conclusive_grounds_positive",),
         "conclusive_grounds_positive may not follow referred (current status); allowed: "
         "reasonable_grounds_positive, reasonable_grounds_negative, support_accepted, "
         "support_declined"),
        (["support_accepted"], ("conclusive_grounds_negative",),
         "conclusive_grounds_negative may not follow support_accepted (current status, after "
         "referred); allowed: reasonable_grounds_positive, reasonable_grounds_negative, "
         "support_declined, returned_home_assisted"),
        (["reasonable_grounds_positive"], ("reasonable_grounds_negative",),
         "reasonable_grounds_negative may not follow reasonable_grounds_positive"),
        (["reasonable_grounds_negative"], ("support_accepted",),
         "the follow-up is closed at reasonable_grounds_negative (current status)"),
        ([], ("returned_home_assisted",), "returned_home_assisted may not follow referred"),
        (["support_declined"], ("returned_home_assisted",),
         "returned_home_assisted names the partner who helped: give --partner"),
        ([], ("support_accepted", "--partner", "anitpp"),
         'no partner "anitpp" in the code lists (did you mean "anitp"?)'),
        ([], ("support_acepted",), 'no follow-up status "support_acepted" (did you mean '
         '"support_accepted"?)'),
    ],
)  # fmt: skip
def test_a_status_that_may_not_follow_exits_2_and_says_what_may(
    ws: Workspace, steps: list[str], refused: tuple[str, ...], message: str
) -> None:
    for status in steps:
        assert followups(ws, "update", GIRL_NRM, "--status", status)[0] == 0
    code, _, err = followups(ws, "update", GIRL_NRM, "--status", *refused)
    assert code == 2 and message in err, err
    with Central(central_path(ws.sync)) as store:
        assert [e.status for e in events(store, GIRL_NRM)] == steps  # nothing more stored


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("ZZZZZZZZ-1", 'no person referred with id "ZZZZZZZZ-1" at central'),
        (WOMAN_NOT_REFERRED, f'no person referred with id "{WOMAN_NOT_REFERRED}"'),
        (CARWASH_VISIT, f"{CARWASH_VISIT} is an engagement's follow_up_needed: it closes when"),
    ],
)
def test_an_unknown_person_exits_2(ws: Workspace, person: str, message: str) -> None:
    code, _, err = followups(ws, "update", person, "--status", "support_accepted")
    assert code == 2 and message in err


def test_an_unknown_operation_exits_2_naming_those_there_are(ws: Workspace) -> None:
    code, _, err = followups(ws, "kent-2024")
    assert code == 2 and "no operation 'kent-2024'" in err and "barnet-2023" in err


def test_without_a_central_store_it_says_how_to_make_one(tmp_path: Path) -> None:
    done = invoke("init", str(tmp_path / "empty"))
    assert done.returncode == 0
    code = invoke("followups", "--workspace", str(tmp_path / "empty"))
    assert code.returncode == 2 and "fieldkit central init" in code.stderr


def test_events_are_never_changed_or_deleted(ws: Workspace) -> None:
    assert followups(ws, "update", MAN_NOTIFIED, "--status", "support_declined")[0] == 0
    with Central(central_path(ws.sync)) as store:
        for sql in (
            "UPDATE followup_events SET status = 'support_accepted'",
            "DELETE FROM followup_events",
        ):
            with pytest.raises(DATABASE_ERRORS, match="appended, never changed"):
                store.conn.execute(sql)
        assert [e.status for e in events(store)] == ["support_declined"]


def test_an_amended_record_keeps_its_people_ids_and_their_events(ws: Workspace) -> None:
    assert followups(ws, "update", GIRL_NRM, "--status", "reasonable_grounds_positive")[0] == 0
    with Central(central_path(ws.sync)) as store:
        held = [Engagement.from_dict(r) for r in store.records()]
        first, last = next(r for r in held if r.id == BROTHEL), held[-1]
        amended = replace(
            first,
            id="01900000-0000-7000-8000-000000000099",
            hlc=last.hlc[:-5] + "99999",
            amends=BROTHEL,
            outcomes=("nrm_referral", "safeguarding_referral"),
        ).sealed(last.hash, device_key().sign)
        assert ingest(store, DEVICE, device_key().public_hex, [amended.to_dict()]).new == 1
        found = {f.id: f for f in follow_ups(store, now=moment())}
    assert short_id(amended.id) != short_id(BROTHEL)
    assert found[GIRL_NRM].status == "reasonable_grounds_positive"
    assert found[GIRL_NRM].record == BROTHEL


def test_a_schema_2_store_is_migrated_with_its_records(ws: Workspace) -> None:
    path = central_path(ws.sync)
    with Central(path) as old:  # made a schema 2 store again, through its key
        old.conn.executescript(
            "DROP TRIGGER followup_events_no_update; DROP TRIGGER followup_events_no_delete;"
            "DROP TABLE followup_events; PRAGMA user_version=2;"
        )
    with Central(path) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 9
        assert store.record_count() == 5
    assert followups(ws, "update", GIRL_NRM, "--status", "support_accepted")[0] == 0
