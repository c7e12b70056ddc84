"""`fieldkit central import-odk PATH`: submissions from phones into central through the one
ingest path, sealed into central's own chain, each instanceID once."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest

from fieldkit.central.odk_receipts import receipt_problems
from fieldkit.central.store import Central, central_path
from fieldkit.maps.report import by_source
from fieldkit.model import Engagement
from fieldkit.wire.keys import verify_signature
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.odk import (
    ANSWERS,
    CHILD_WITH_SIGNS,
    GROUP,
    XForm,
    central_csv_zip,
    fill,
    to_xform,
    write_instance,
)
from tests.support.sync import central_workspace

DEVICE = "odk-barnet-2023-alpha"


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> XForm:
    ws = central_workspace(tmp_path_factory.mktemp("odk-form"))
    out = ws.root / "form.xlsx"
    assert invoke("forms", "xlsform", "--workspace", ws.root, "--out", out).returncode == 0
    return to_xform(out)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return central_workspace(tmp_path)


def _import(ws: Workspace, path: Path) -> tuple[int, dict, str]:
    done = invoke("central", "import-odk", path, "--json", "--workspace", ws.root)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def _records(ws: Workspace) -> list[dict]:
    with Central(central_path(ws.sync)) as store:
        return store.records()


def _problems(ws: Workspace) -> list[dict]:
    with Central(central_path(ws.sync)) as store:
        return store.problems()


def test_a_set_of_instances_imports_once(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    folder = tmp_path / "instances"
    answers = [
        ANSWERS,
        {**ANSWERS, "indicators": "long_hours"},
        {**ANSWERS, "officer": "pc-okafor"},
    ]
    for a in answers:
        write_instance(folder, fill(form, a, people=[GROUP]))
    write_instance(folder, fill(form, ANSWERS, persons=[CHILD_WITH_SIGNS]))  # a rule broken
    code, first, _ = _import(ws, folder)
    assert code == 0
    assert first == {"new": 4, "held": 0, "amendments": 0, "refused": [], "flagged": 1}
    problems = _problems(ws)
    code, again, _ = _import(ws, folder)
    assert code == 0
    assert again == {"new": 0, "held": 4, "amendments": 0, "refused": [], "flagged": 0}
    assert len(_records(ws)) == 4
    assert _problems(ws) == problems


def test_records_are_sealed_by_central(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    instance = fill(form, ANSWERS, people=[GROUP])
    path = write_instance(tmp_path / "in", instance)
    assert _import(ws, tmp_path / "in")[0] == 0
    (record,) = _records(ws)
    iid = instance.findtext("meta/instanceID") or ""
    assert record["id"] == iid.removeprefix("uuid:")
    assert record["device"] == DEVICE and record["format"] == "fieldkit-engagement/2"
    rec = Engagement.from_dict(record)
    assert (rec.lat, rec.lon, rec.accuracy_m) == (51.5893, -0.2257, 6.5)
    assert rec.people_count == 3 and rec.officer == "pc-hughes"
    with Central(central_path(ws.sync)) as store:
        key = store.signing_key().public_hex
        assert verify_signature(key, bytes.fromhex(record["hash"]), record["signature"])
        assert receipt_problems(store.conn, key) == []
        (receipt,) = store.query(
            "SELECT submission_sha256, source, stored, media FROM odk_receipts"
        )
        status = {d["device"]: d for d in store.status()["devices"]}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert receipt == (digest, str(path.parent.parent), 1, '["1695552000000.jpg"]')
    assert status[DEVICE]["unbroken"] == 1


def test_a_changed_receipt_is_found(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    write_instance(tmp_path / "in", fill(form, ANSWERS))
    assert _import(ws, tmp_path / "in")[0] == 0
    with Central(central_path(ws.sync)) as store:
        store.conn.execute("DROP TRIGGER odk_receipts_no_update")
        store.conn.execute("UPDATE odk_receipts SET received_by = 'someone else'")
        problems = receipt_problems(store.conn, store.signing_key().public_hex)
    assert problems == ["receipt 1: changed after it was sealed"]


def test_an_edited_submission_amends(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    first = fill(form, ANSWERS)
    old = first.findtext("meta/instanceID") or ""
    write_instance(tmp_path / "a", first)
    assert _import(ws, tmp_path / "a")[0] == 0
    edited = fill(form, {**ANSWERS, "indicators": "long_hours"}, deprecated_id=old)
    write_instance(tmp_path / "b", edited)
    code, done, _ = _import(ws, tmp_path / "b")
    assert code == 0 and done["new"] == 1 and done["amendments"] == 1
    amended = [r for r in _records(ws) if r["amends"]]
    assert [r["amends"] for r in amended] == [old.removeprefix("uuid:")]


def test_the_rules_are_flagged_not_refused(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    calm = {**ANSWERS, "outcomes": "no_concerns", "indicators": "long_hours"}
    write_instance(tmp_path / "in", fill(form, calm, persons=[CHILD_WITH_SIGNS]))
    code, done, _ = _import(ws, tmp_path / "in")
    assert code == 0 and done["new"] == 1 and done["flagged"] == 2
    rules = sorted(p["detail"].split(":")[0] for p in _problems(ws) if p["kind"] == "rule")
    assert rules == ["child_to_nrm", "no_concerns_with_signs"]


def test_malformed_and_hostile_xml_is_exit_2(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_instance(folder, fill(form, ANSWERS))
    (folder / "broken.xml").write_text("<data id='fieldkit-barnet-2023'><unclosed></data>")
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><data id="x">&b;</data>'
    )
    (folder / "bomb.xml").write_text(bomb)
    code, done, err = _import(ws, folder)
    assert code == 2 and done["new"] == 1
    assert "broken.xml: not well-formed submission XML" in err
    assert "bomb.xml: not well-formed submission XML" in err
    code, again, _ = _import(ws, folder)
    assert code == 2 and again["new"] == 0 and again["held"] == 1
    assert len(_records(ws)) == 1


def test_another_form_or_version_is_exit_2(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    other = fill(form, ANSWERS)
    other.set("id", "someone-elses-form")
    old = fill(form, ANSWERS)
    old.set("version", "fk2.000000000000")
    write_instance(tmp_path / "in", other)
    write_instance(tmp_path / "in", old)
    code, done, err = _import(ws, tmp_path / "in")
    assert code == 2 and done["new"] == 0 and len(done["refused"]) == 2
    assert "form 'someone-elses-form' is not an engagement form" in err
    assert "form version 'fk2.000000000000' is not one central published" in err
    assert _records(ws) == []


def test_content_central_refuses_is_kept_once(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    write_instance(tmp_path / "in", fill(form, {**ANSWERS, "officer": "pc-nobody"}))
    code, done, err = _import(ws, tmp_path / "in")
    assert code == 2 and done["new"] == 0
    assert 'officer "pc-nobody" is not a member of team alpha' in err
    code, again, _ = _import(ws, tmp_path / "in")
    assert again["held"] == 1 and again["refused"] == []
    assert [p["kind"] for p in _problems(ws)] == ["content"]


def test_a_file_that_is_not_there_is_exit_2(ws: Workspace, tmp_path: Path) -> None:
    done = invoke("central", "import-odk", tmp_path / "nothing", "--workspace", ws.root)
    assert done.returncode == 2 and "no such file or folder" in done.stderr


def test_odk_centrals_csv_zip_export(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    instances = [
        fill(form, ANSWERS, people=[GROUP]),
        fill(
            form,
            ANSWERS,
            persons=[{**CHILD_WITH_SIGNS, "person_route": "nrm", "person_by": "pc-hughes"}],
        ),
    ]
    export = central_csv_zip(tmp_path / "export.zip", "fieldkit-barnet-2023", instances)
    code, done, err = _import(ws, export)
    assert code == 0, err
    assert done == {"new": 2, "held": 0, "amendments": 0, "refused": [], "flagged": 0}
    recs = {r["id"]: Engagement.from_dict(r) for r in _records(ws)}
    first = recs[(instances[0].findtext("meta/instanceID") or "").removeprefix("uuid:")]
    second = recs[(instances[1].findtext("meta/instanceID") or "").removeprefix("uuid:")]
    assert first.people_count == 3 and first.accuracy_m == 6.5
    assert second.persons[0].route == "nrm" and second.persons[0].by == "pc-hughes"
    assert _import(ws, export)[1]["held"] == 2


def test_a_mix_of_files_and_export_is_one_set(ws: Workspace, form: XForm, tmp_path: Path) -> None:
    """The same submission by hand (XML) and in the server's export is stored once."""
    instance = fill(form, ANSWERS)
    write_instance(tmp_path / "in", instance)
    export = central_csv_zip(tmp_path / "export.zip", "fieldkit-barnet-2023", [instance])
    assert _import(ws, tmp_path / "in")[1]["new"] == 1
    assert _import(ws, export)[1] == {
        "new": 0,
        "held": 1,
        "amendments": 0,
        "refused": [],
        "flagged": 0,
    }
    assert uuid.UUID(_records(ws)[0]["id"])


def test_the_report_counts_engagements_by_source(
    ws: Workspace, form: XForm, tmp_path: Path
) -> None:
    write_instance(tmp_path / "in", fill(form, ANSWERS))
    assert _import(ws, tmp_path / "in")[0] == 0
    recs = tuple(Engagement.from_dict(r) for r in _records(ws))
    device = Engagement.from_dict({**_records(ws)[0], "device": "alpha-1234"})
    assert by_source((*recs, device)) == {"device": 1, "odk": 1}


def test_central_verify_checks_odk_records_and_the_receipts_chain(
    ws: Workspace, form: XForm, tmp_path: Path
) -> None:
    write_instance(tmp_path / "in", fill(form, ANSWERS, people=[GROUP]))
    write_instance(tmp_path / "in", fill(form, {**ANSWERS, "indicators": "long_hours"}))
    assert _import(ws, tmp_path / "in")[0] == 0
    done = invoke("central", "verify", "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout)
    assert (found["records"], found["receipts"], found["faults"]) == (2, 2, [])
    with Central(central_path(ws.sync)) as store:
        store.conn.execute("DROP TRIGGER odk_receipts_no_update")
        store.conn.execute("UPDATE odk_receipts SET received_by = 'someone else' WHERE n = 2")
    done = invoke("central", "verify", "--workspace", ws.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "fieldkit: ODK receipts: receipt 2: changed after it was sealed" in done.stderr
