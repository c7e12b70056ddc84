"""`fieldkit forms xlsform`: the engagement form for ODK Collect / KoboCollect, converted by
pyxform as ODK Central and Kobo convert it, and its rules evaluated on filled instances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fieldkit.codes.rules import RULES
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.odk import XForm, fill, holds, to_xform
from tests.support.sync import central_workspace

ROUTE, BY, OUTCOMES = "/data/persons/person_route", "/data/persons/person_by", "/data/outcomes"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return central_workspace(tmp_path_factory.mktemp("odk-form"))


@pytest.fixture(scope="module")
def xlsx(ws: Workspace) -> Path:
    out = ws.root / "form.xlsx"
    done = invoke("forms", "xlsform", "--workspace", ws.root, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "fieldkit-barnet-2023" in done.stdout
    return out


@pytest.fixture(scope="module")
def form(xlsx: Path) -> XForm:
    return to_xform(xlsx)


def _loadout(ws: Workspace, team: str) -> dict:
    return json.loads(next(ws.ops.glob(f"*/loadouts/{team}.json")).read_text())


def test_pyxform_converts_the_form_without_a_warning(form: XForm, ws: Workspace) -> None:
    assert form.warnings == []
    data = form.primary()
    assert data.get("id") == "fieldkit-barnet-2023"
    assert data.get("version") == "fk2." + _loadout(ws, "alpha")["plan_sha256"][:12]
    leaves = {child.tag.rpartition("}")[2] for child in data}
    assert {"people", "persons", "location", "officer", "visit", "outcomes"} <= leaves
    assert form.bind("/data/location")["type"] == "geopoint"
    assert form.bind("/data/people/group_count")["type"] == "int"


def test_labels_in_english_and_romanian(form: XForm) -> None:
    en, ro = form.texts("English (en)"), form.texts("Romanian (ro)")
    assert "Signs seen" in en.values() and "Semne observate" in ro.values()
    assert "Church (after the service)" in en.values()
    assert "Biserică (după slujbă)" in ro.values()
    assert RULES["child_to_nrm"][0] in " ".join(en.values())
    assert RULES["child_to_nrm"][1] in " ".join(ro.values())


def test_choices_hold_the_teams_officers_visits_and_venues(form: XForm, ws: Workspace) -> None:
    alpha = _loadout(ws, "alpha")
    names = {i.findtext("{http://www.w3.org/2002/xforms}name") for i in form.secondary("officers")}
    assert {m["id"] for m in alpha["team"]["members"]} <= names
    visits = {i.findtext("{http://www.w3.org/2002/xforms}name") for i in form.secondary("visits")}
    assert {a["visit"] for a in alpha["assignments"]} <= visits
    venues = {i.findtext("{http://www.w3.org/2002/xforms}name") for i in form.secondary("venues")}
    assert {v["id"] for v in alpha["venues"]} == venues


def test_the_rules_are_constraints_with_messages(form: XForm) -> None:
    route = form.bind(ROUTE)
    assert "'under_18'" in route["constraint"] and "!= 'nrm'" in route["constraint"]
    assert "first_responder = 'true'" in form.bind(BY)["constraint"]
    assert "selected(., 'no_concerns')" in form.bind(OUTCOMES)["constraint"]
    assert form.bind("/data/persons/person_ref")["relevant"].strip().startswith("../person_route")


def test_no_question_asks_for_a_name(xlsx: Path) -> None:
    survey = load_workbook(xlsx)["survey"]
    header = [c.value for c in survey[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in survey.iter_rows(2)]
    for row in rows:
        assert "name" not in str(row["name"]), row
        label = str(row.get("label::English (en)") or "").lower()
        assert "name" not in label, row


PERSON = {
    "person_gender": "female",
    "person_age_band": "under_18",
    "person_nationality": "romanian",
    "person_signs": "owes_debt",
    "person_consent": "no",
    "person_route": "none",
    "person_interpreter": "none",
}
ANSWERS = {
    "team": "alpha",
    "officer": "pc-hughes",
    "venue_type": "church",
    "interpreter": "no",
    "outcomes": "leaflet_given",
}


def test_a_child_with_signs_must_go_to_the_nrm(form: XForm) -> None:
    assert not holds(form, fill(form, ANSWERS, persons=[PERSON]), ROUTE)
    nrm = {**PERSON, "person_route": "nrm", "person_by": "pc-hughes"}
    assert holds(form, fill(form, ANSWERS, persons=[nrm]), ROUTE)
    assert holds(form, fill(form, ANSWERS, persons=[nrm]), BY)


def test_an_adult_goes_to_the_nrm_only_with_consent(form: XForm) -> None:
    adult = {**PERSON, "person_age_band": "age_25_34", "person_route": "nrm"}
    assert not holds(form, fill(form, ANSWERS, persons=[adult]), ROUTE)
    assert holds(form, fill(form, ANSWERS, persons=[{**adult, "person_consent": "yes"}]), ROUTE)


def test_an_adult_without_consent_is_notified_by_a_specified_authority(form: XForm) -> None:
    adult = {**PERSON, "person_age_band": "age_25_34"}
    assert not holds(form, fill(form, ANSWERS, persons=[adult]), ROUTE)  # met by the police
    by_anitp = {**ANSWERS, "officer": "anitp-ionescu"}  # ANITP: not a UK authority
    assert holds(form, fill(form, by_anitp, persons=[adult]), ROUTE)


def test_only_a_first_responder_refers_to_the_nrm(form: XForm) -> None:
    nrm = {**PERSON, "person_route": "nrm", "person_by": "anitp-ionescu"}
    assert not holds(form, fill(form, ANSWERS, persons=[nrm]), BY)


def test_no_concerns_beside_a_sign_is_refused(form: XForm) -> None:
    calm = {**ANSWERS, "outcomes": "no_concerns"}
    assert holds(form, fill(form, calm), OUTCOMES)
    assert not holds(form, fill(form, {**calm, "indicators": "long_hours"}), OUTCOMES)
    assert not holds(form, fill(form, calm, persons=[PERSON]), OUTCOMES)


def test_the_second_person_is_checked_on_its_own(form: XForm) -> None:
    fine = {**PERSON, "person_route": "nrm", "person_by": "pc-hughes"}
    instance = fill(form, ANSWERS, persons=[fine, PERSON])
    assert holds(form, instance, ROUTE, 0) and not holds(form, instance, ROUTE, 1)


def test_one_team_form_fixes_the_team(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bravo.xlsx"
    done = invoke("forms", "xlsform", "--team", "bravo", "--workspace", ws.root, "--out", out)
    assert done.returncode == 0, done.stderr
    form = to_xform(out)
    assert form.primary().get("id") == "fieldkit-barnet-2023-bravo"
    assert form.bind("/data/team")["calculate"] == "'bravo'"
    names = {i.findtext("{http://www.w3.org/2002/xforms}name") for i in form.secondary("officers")}
    assert names == {m["id"] for m in _loadout(ws, "bravo")["team"]["members"]}


def test_an_unknown_team_or_operation_is_exit_2(ws: Workspace) -> None:
    done = invoke("forms", "xlsform", "--team", "bravoo", "--workspace", ws.root)
    assert done.returncode == 2 and "bravo" in done.stderr and "Traceback" not in done.stderr
    done = invoke("forms", "xlsform", "nowhere", "--workspace", ws.root)
    assert done.returncode == 2 and "nowhere" in done.stderr


def test_the_default_place_is_the_operations_forms_folder(ws: Workspace) -> None:
    done = invoke("forms", "xlsform", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert (ws.ops / "barnet-2023" / "forms" / "fieldkit-barnet-2023.xlsx").is_file()
