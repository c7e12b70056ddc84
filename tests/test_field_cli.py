"""The device from the command line: enrol, log add/amend/list/verify, and bad input."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldkit.field.sample import write_sample_loadouts
from tests.support.cli import invoke
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run() -> Run:
    """`fieldkit ARGS` in this process through the entry point: (exit code, stdout, stderr)."""

    def invoked(*args: str | Path) -> tuple[int, str, str]:
        done = invoke(*args)
        return done.returncode, done.stdout, done.stderr

    return invoked


@pytest.fixture(scope="module")
def op_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ops/barnet-2023/loadouts/*.json built by hand from the Barnet playbook."""
    return write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")


@pytest.fixture
def dev(tmp_path: Path, op_folder: Path, run: Run) -> Path:
    """An enrolled delta device workspace."""
    code, _, err = run(
        "device", "enroll", op_folder / "loadouts/delta.json", "-w", tmp_path / "dev"
    )
    assert code == 0, err
    return tmp_path / "dev"


VISIT_TIME = "2023-09-26T11:20"  # delta's car wash check at Brent Cross (sample loadout)


def add(run: Run, dev: Path, *extra: str) -> dict[str, object]:
    code, out, err = run("log", "add", "--time", VISIT_TIME, "--json", "-w", dev, *extra)
    assert code == 0, err
    return json.loads(out)


def test_enroll_makes_documented_layout(dev: Path) -> None:
    folder = dev / "device"
    for name in ("device.json", "device.key", "device.pub", "store.db", "store.unlock.json"):
        assert (folder / name).is_file(), name
    assert not (folder / "loadout.json").exists()  # kept inside the encrypted store
    assert b"ENCRYPTED PRIVATE KEY" in (folder / "device.key").read_bytes()
    for name in ("playbooks", "ops", "sync", "maps"):
        assert (dev / name).is_dir()
    assert stat.S_IMODE(os.stat(folder / "device.key").st_mode) == 0o600
    info = json.loads((folder / "device.json").read_text())
    assert info["team"] == "delta" and info["officer"] == "pc-popescu"
    assert len(info["public_key"]) == 64


def test_enroll_twice_and_bad_officer_are_refused(dev: Path, op_folder: Path, run: Run) -> None:
    code, _, err = run("device", "enroll", op_folder / "loadouts/delta.json", "-w", dev)
    assert code == 2 and "already enrolled" in err
    code, _, err = run(
        "device",
        "enroll",
        op_folder / "loadouts/delta.json",
        "-w",
        dev.parent / "other",
        "--officer",
        "pc-hughes",
    )
    assert code == 2 and "not in team delta" in err and "pc-popescu" in err


def test_add_prefills_from_the_current_assignment(dev: Path, run: Run) -> None:
    rec = add(
        run,
        dev,
        "--people",
        "male:age_25_34:romanian:3",
        "--indicator",
        "long_hours,owes_debt",
        "--outcome",
        "leaflet_given",
        "--language",
        "romanian",
    )
    assert rec["venue"] == "carwash-brent-cross" and rec["venue_type"] == "car_wash"
    assert str(rec["visit"]).startswith("labour-checks-tue")
    assert rec["time"] == "2023-09-26T11:20:00+01:00"
    assert rec["indicators"] == ["long_hours", "owes_debt"]
    assert rec["sync"] == "pending" and rec["amends"] is None
    assert rec["officer"] == "pc-popescu" and len(str(rec["signature"])) == 128


def test_add_at_a_position_off_plan(dev: Path, run: Run) -> None:
    rec = add(
        run,
        dev,
        "--time",
        "2023-09-27T22:00",
        "--lat",
        "51.59",
        "--lon",
        "-0.25",
        "--accuracy",
        "15",
        "--venue-type",
        "street_or_transport_hub",
        "--outcome",
        "no_concerns",
    )
    assert rec["visit"] is None and rec["venue"] is None and rec["lat"] == 51.59


def test_unknown_code_exits_2_listing_valid_codes(dev: Path, run: Run) -> None:
    code, out, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--indicator", "long_hour")
    assert code == 2 and "Traceback" not in err
    assert 'unknown indicator "long_hour"' in err and 'did you mean "long_hours"' in err
    assert "under_control" in err and "owes_debt" in err  # the valid codes are listed
    code, _, err = run(
        "log",
        "add",
        "--time",
        VISIT_TIME,
        "-w",
        dev,
        "--outcome",
        "hug",
        "--people",
        "female:age_99:romanian",
    )
    assert code == 2 and "unknown outcome" in err and "unknown age band" in err
    assert "age_18_24" in err
    code, _, err = run("log", "list", "--json", "-w", dev)
    assert json.loads(_) == []  # nothing was saved


def test_notes_longer_than_central_keeps_are_refused_on_the_device(dev: Path, run: Run) -> None:
    """Central refuses notes over NOTES_MAX characters: the device says so when they are typed."""
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--notes", "n" * 4001)
    assert code == 2 and err.strip() == "fieldkit: notes are at most 4000 characters (4001 given)"
    saved = add(run, dev, "--notes", "ș" * 4000)
    assert saved["texts"][saved["notes"]]["text"] == "ș" * 4000  # format 2: beside the body


def test_amend_keeps_the_old_version(dev: Path, run: Run) -> None:
    first = add(run, dev, "--outcome", "leaflet_given")
    code, out, err = run(
        "log",
        "amend",
        str(first["id"])[-8:],
        "--outcome",
        "nrm_referral",
        "--referral",
        "NRM-1234",
        "--json",
        "-w",
        dev,
    )
    assert code == 0, err
    second = json.loads(out)
    assert second["amends"] == first["id"] and second["prev_hash"] == first["hash"]
    assert second["venue"] == first["venue"] and second["outcomes"] == ["nrm_referral"]
    code, out, _ = run("log", "list", "--json", "-w", dev)
    assert [r["id"] for r in json.loads(out)] == [second["id"]]
    code, out, _ = run("log", "list", "--history", "--json", "-w", dev)
    assert [r["id"] for r in json.loads(out)] == [first["id"], second["id"]]
    code, out, _ = run("log", "list", "--history", "-w", dev)
    assert "superseded" in out and f"amends {str(first['id'])[-8:]}" in out
    code, _, err = run("log", "amend", "ffffffff", "--outcome", "arrest", "-w", dev)
    assert code == 2 and "no record" in err


def test_list_shows_sync_state_and_day_filter(dev: Path, run: Run) -> None:
    add(run, dev, "--outcome", "leaflet_given")
    code, out, _ = run("log", "list", "-w", dev)
    assert code == 0 and "pending" in out and "1 engagement(s)" in out
    code, out, _ = run("log", "list", "--day", "2023-09-26", "--json", "-w", dev)
    assert len(json.loads(out)) == 1
    code, out, _ = run("log", "list", "--day", "2023-09-27", "--json", "-w", dev)
    assert json.loads(out) == []
    code, _, err = run("log", "list", "--day", "Tuesday", "-w", dev)
    assert code == 2


def test_verify_ok(dev: Path, run: Run) -> None:
    add(run, dev, "--outcome", "leaflet_given")
    add(run, dev, "--outcome", "no_concerns")
    code, out, _ = run("log", "verify", "-w", dev)
    assert code == 0 and "ok: 2 record(s)" in out


def test_missing_key_file_stops_saving_but_keeps_records(dev: Path, run: Run) -> None:
    add(run, dev, "--outcome", "leaflet_given")
    (dev / "device" / "device.key").unlink()
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--outcome", "no_concerns")
    assert code == 2 and "device key" in err and "missing" in err and "Traceback" not in err
    code, out, _ = run("log", "verify", "-w", dev)
    assert code == 0 and "ok: 1 record(s)" in out


def test_wrong_loadout_is_refused(dev: Path, op_folder: Path, run: Run) -> None:
    add(run, dev, "--outcome", "leaflet_given")
    # The loadout is kept in the store; a plain loadout.json beside it (from before) is taken
    # in only when it is the device's team's.
    (dev / "device" / "loadout.json").write_bytes((op_folder / "loadouts/alpha.json").read_bytes())
    code, _, err = run("log", "list", "-w", dev)
    assert code == 2 and "wrong loadout" in err
    (dev / "device" / "loadout.json").write_text('{"format": "something-else"}')
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev)
    assert code == 2 and "not a device loadout" in err
    code, _, err = run("device", "enroll", dev / "device" / "device.json", "-w", dev.parent / "x")
    assert code == 2 and "not a device loadout" in err
    (dev / "device" / "loadout.json").unlink()
    code, out, _ = run("log", "verify", "-w", dev)
    assert code == 0 and "ok: 1 record(s)" in out  # what was stored is intact


@pytest.mark.parametrize("part", ["operation", "team"])
def test_a_loadout_without_an_id_is_refused(
    part: str, tmp_path: Path, op_folder: Path, run: Run
) -> None:
    data = json.loads((op_folder / "loadouts/alpha.json").read_text(encoding="utf-8"))
    del data[part]["id"]
    bad = tmp_path / "alpha.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("device", "enroll", bad, "-w", tmp_path / "dev")
    assert code == 2 and "missing or malformed field 'id'" in err and "Traceback" not in err
    assert not (tmp_path / "dev" / "device").exists()


@pytest.mark.parametrize("codes", ["x", ["genders"], None])
def test_a_loadout_whose_code_lists_are_not_a_mapping_is_refused(
    codes: object, tmp_path: Path, op_folder: Path, run: Run
) -> None:
    data = json.loads((op_folder / "loadouts/alpha.json").read_text(encoding="utf-8"))
    data["codes"] = codes
    bad = tmp_path / "alpha.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("device", "enroll", bad, "-w", tmp_path / "dev")
    assert code == 2 and "code lists are not a mapping" in err and "Traceback" not in err
    assert not (tmp_path / "dev" / "device").exists()


def test_not_a_device_workspace(tmp_path: Path, run: Run) -> None:
    run("init", tmp_path / "plain")
    code, _, err = run("log", "list", "-w", tmp_path / "plain")
    assert code == 2 and "no enrolled device" in err


def test_corrupt_and_foreign_store_files(dev: Path, run: Run) -> None:
    store = dev / "device" / "store.db"
    for suffix in ("-wal", "-shm"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    store.write_bytes(b"this is not a database at all" * 100)
    code, _, err = run("log", "list", "-w", dev)
    assert code == 2 and "not a SQLite database" in err and "Traceback" not in err
    store.unlink()
    import sqlite3

    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    code, _, err = run("log", "verify", "-w", dev)
    assert code == 2 and "not a fieldkit device store" in err
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]
    conn.close()


def test_damaged_store_pages(dev: Path, run: Run) -> None:
    from fieldkit.field.device import Device

    with Device.open(dev) as device:
        visit = device.loadout.assignments[0]
        drafts = [device.prefill(visit.start) for _ in range(400)]
        for d in drafts:
            d.update(outcomes=["leaflet_given"], notes="n" * 200)
        device.save_many(drafts)
    store = dev / "device" / "store.db"
    conn = raw_connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = store.stat().st_size
    with store.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xff" * 16384)
    code, _, err = run("log", "verify", "-w", dev)
    assert code == 2 and "damaged" in err and "Traceback" not in err


def test_an_amendment_that_changes_nothing_is_refused(dev: Path, run: Run) -> None:
    first = add(run, dev, "--outcome", "leaflet_given", "--indicator", "long_hours")
    for same in (
        ("--outcome", "leaflet_given"),
        ("--indicator", "long_hours", "--outcome", "leaflet_given"),
        ("--time", VISIT_TIME),
    ):
        code, out, err = run("log", "amend", str(first["id"]), *same, "-w", dev)
        assert code == 2, (same, out)
        assert "changes nothing" in err and str(first["id"])[-8:] in err
        assert "Traceback" not in err
    code, out, _ = run("log", "list", "--history", "--json", "-w", dev)
    assert [r["id"] for r in json.loads(out)] == [first["id"]]  # nothing stored


def test_now_outside_the_operation_needs_an_explicit_time(dev: Path, run: Run) -> None:
    # The sample operation ran in September 2023: today is outside its dates.
    code, out, err = run("log", "add", "--outcome", "leaflet_given", "--venue", "shelter-finchley",
                         "-w", dev)  # fmt: skip
    assert code == 2, out
    assert "outside the operation's dates (2023-09-24 to 2023-09-30)" in err
    assert "--time" in err and "Traceback" not in err
    code, out, _ = run("log", "list", "--json", "-w", dev)
    assert json.loads(out) == []
    # Given explicitly, a time outside the dates is taken as the officer says.
    code, out, err = run("log", "add", "--time", "2023-10-01T00:30", "--venue", "shelter-finchley",
                         "--outcome", "leaflet_given", "--json", "-w", dev)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["time"] == "2023-10-01T00:30:00+01:00"


def test_amend_last_corrects_the_newest_record(dev: Path, run: Run) -> None:
    code, _, err = run("log", "amend", "last", "--outcome", "arrest", "-w", dev)
    assert code == 2 and "no record" in err  # nothing logged yet
    add(run, dev, "--outcome", "leaflet_given")
    second = add(run, dev, "--outcome", "no_concerns")
    code, out, err = run("log", "amend", "last", "--outcome", "nrm_referral", "--json", "-w", dev)
    assert code == 0, err
    amended = json.loads(out)
    assert amended["amends"] == second["id"] and amended["outcomes"] == ["nrm_referral"]
    code, out, err = run("log", "amend", "last", "--outcome", "arrest", "--json", "-w", dev)
    assert code == 0, err
    assert json.loads(out)["amends"] == amended["id"]  # the newest version of the newest


# -- persons met one to one (--person SPEC) and the referral rules on the device -------------

CHILD_NRM = "female:under_18:romanian:signs=owes_debt,isolated:route=nrm:by=pc-stan:ref=NRM:2023/1"


def test_a_person_is_logged_with_every_field(dev: Path, run: Run) -> None:
    rec = add(run, dev, "--language", "romanian", "--person", CHILD_NRM + ":interpreter=none")
    assert rec["format"] == "fieldkit-engagement/2"
    (person,) = rec["persons"]
    assert {k: v for k, v in person.items() if k != "ref"} == {
        "gender": "female",
        "age_band": "under_18",
        "nationality": "romanian",
        "language": "romanian",
        "signs": ["isolated", "owes_debt"],
        "consent": "not_asked",
        "route": "nrm",
        "by": "pc-stan",
        "interpreter": "none",
    }
    assert rec["texts"][person["ref"]]["text"] == "NRM:2023/1"


def test_a_broken_rule_exits_2_naming_it_in_both_languages(dev: Path, run: Run) -> None:
    code, out, err = run(
        "log", "add", "--time", VISIT_TIME, "-w", dev,
        "--person", "male:under_18:romanian:signs=owes_debt:route=duty_to_notify",
    )  # fmt: skip
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "fieldkit: person 1: A person under 18 with a sign of exploitation is referred to the "
        "NRM (no consent is needed; the Duty to Notify alone is not enough). [child_to_nrm]",
        "fieldkit: persoana 1: O persoană sub 18 ani cu un semn de exploatare este referită în "
        "NRM (nu este nevoie de acord; doar notificarea nu este suficientă). [child_to_nrm]",
    ]
    code, out, _ = run("log", "list", "--json", "-w", dev)
    assert json.loads(out) == []  # nothing was saved


def test_an_nrm_referral_by_a_charity_officer_is_refused(dev: Path, run: Run) -> None:
    code, _, err = run(
        "log", "add", "--time", VISIT_TIME, "-w", dev,
        "--person", "female:age_25_34:romanian:signs=owes_debt:consent=yes:route=nrm:by=jc-taylor",
    )  # fmt: skip
    assert code == 2
    assert "An NRM referral is made by an officer of a first responder organisation." in err


def test_a_bad_spec_and_an_unknown_code_exit_2(dev: Path, run: Run) -> None:
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", "female")
    assert code == 2 and "GENDER:AGE_BAND:NATIONALITY" in err
    spec = "female:age_25_34:romanian:colour=red"
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", spec)
    assert code == 2 and '"colour=red" is not one of signs=' in err
    spec = "female:age_25_34:romanian:route=nrn"
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", spec)
    assert code == 2 and 'person 1: unknown route "nrn" (did you mean "nrm"?)' in err


def test_amend_changes_a_persons_fields(dev: Path, run: Run) -> None:
    first = add(
        run,
        dev,
        "--person",
        "female:age_25_34:romanian:signs=owes_debt:consent=no:route=duty_to_notify",
    )
    code, out, err = run(
        "log", "amend", str(first["id"]), "--json", "-w", dev,
        "--person", "female:age_25_34:romanian:signs=owes_debt:consent=yes:route=nrm:ref=NRM-9",
    )  # fmt: skip
    assert code == 0, err
    amended = json.loads(out)
    assert amended["amends"] == first["id"]
    assert (amended["persons"][0]["consent"], amended["persons"][0]["route"]) == ("yes", "nrm")
    code, out, err = run("log", "verify", "-w", dev)
    assert code == 0, out + err
