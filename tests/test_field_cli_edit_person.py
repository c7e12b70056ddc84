"""`fieldkit log amend ID --edit-person N:KEY=VALUE`: one person's fields changed in place, the
referral rules checked on the result, nothing stored when one breaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Person, RecordError
from fieldkit.model.people import PERSON_FIELDS, PersonEdit
from tests.support.cli import invoke
from tests.support.paths import BARNET

VISIT_TIME = "2023-09-26T11:20"  # delta's car wash check at Brent Cross (sample loadout)
ADULT_NOTIFIED = "male:age_25_34:romanian:signs=owes_debt:consent=no:route=duty_to_notify"
CHILD_NRM = "female:under_18:romanian:signs=isolated:route=nrm:by=pc-stan:ref=NRM:2023/1"


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ops = tmp_path_factory.mktemp("ws") / "ops"
    return write_sample_loadouts(BARNET, ops) / "loadouts" / "delta.json"


@pytest.fixture
def dev(tmp_path: Path, loadout: Path) -> Path:
    done = invoke("device", "enroll", loadout, "-w", tmp_path / "dev")
    assert done.returncode == 0, done.stderr
    return tmp_path / "dev"


@pytest.fixture
def record(dev: Path) -> dict[str, Any]:
    """Two persons: an adult who refused, notified; a child referred to the NRM."""
    done = invoke(
        "log", "add", "--time", VISIT_TIME, "--json", "-w", dev, "--language", "romanian",
        "--person", ADULT_NOTIFIED, "--person", CHILD_NRM,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def amend(dev: Path, record_id: str, *args: str) -> tuple[int, str, str]:
    done = invoke("log", "amend", record_id, "--json", "-w", dev, *args)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def stored(dev: Path) -> list[dict[str, Any]]:
    done = invoke("log", "list", "--history", "--json", "-w", dev)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_one_persons_fields_change_the_others_stay(dev: Path, record: dict[str, Any]) -> None:
    code, out, err = amend(
        dev, str(record["id"]), "--edit-person", "1:consent=yes:route=nrm:ref=NRM-77"
    )
    assert code == 0, err
    amended = json.loads(out)
    assert amended["amends"] == record["id"]
    first, second = amended["persons"]
    before = record["persons"]
    assert {k: first[k] for k in ("consent", "route", "by")} == {
        "consent": "yes",
        "route": "nrm",
        "by": None,
    }
    assert amended["texts"][first["ref"]]["text"] == "NRM-77"
    same = ("gender", "age_band", "nationality", "language", "signs", "interpreter")
    assert {k: first[k] for k in same} == {k: before[0][k] for k in same}
    assert {k: v for k, v in second.items() if k != "ref"} == {
        k: v for k, v in before[1].items() if k != "ref"
    }
    assert amended["texts"][second["ref"]]["text"] == "NRM:2023/1"  # its reference kept
    assert invoke("log", "verify", "-w", dev).returncode == 0


def test_several_edits_apply_in_order_and_a_field_can_be_cleared(
    dev: Path, record: dict[str, Any]
) -> None:
    code, out, err = amend(
        dev, "last",
        "--edit-person", "2:by=:interpreter=partner_officer",
        "--edit-person", "1:signs=:consent=not_asked:route=none",
        "--outcome", "leaflet_given",
    )  # fmt: skip
    assert code == 0, err
    first, second = json.loads(out)["persons"]
    assert (first["signs"], first["consent"], first["route"]) == ([], "not_asked", "none")
    assert (second["by"], second["interpreter"]) == (None, "partner_officer")
    assert json.loads(out)["outcomes"] == ["leaflet_given"]


def test_an_edit_that_breaks_a_rule_exits_2_in_both_languages_and_stores_nothing(
    dev: Path, record: dict[str, Any]
) -> None:
    before = stored(dev)
    code, out, err = amend(dev, str(record["id"]), "--edit-person", "2:route=safeguarding")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "fieldkit: person 2: A person under 18 with a sign of exploitation is referred to the "
        "NRM (no consent is needed; the Duty to Notify alone is not enough). [child_to_nrm]",
        "fieldkit: persoana 2: O persoană sub 18 ani cu un semn de exploatare este referită în "
        "NRM (nu este nevoie de acord; doar notificarea nu este suficientă). [child_to_nrm]",
    ]
    code, _, err = amend(dev, str(record["id"]), "--edit-person", "1:route=none")
    assert code == 2 and "[adult_without_consent_notified]" in err
    code, _, err = amend(dev, str(record["id"]), "--edit-person", "2:by=jc-taylor")
    assert code == 2 and "[nrm_by_first_responder]" in err
    assert stored(dev) == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("3:consent=yes", "person 3: the record holds 2 persons met one to one"),
        ("0:consent=yes", "N:KEY=VALUE"),
        ("first:consent=yes", "N:KEY=VALUE"),
        ("1", "N:KEY=VALUE"),
        ("1:colour=red", '"colour=red" is not one of gender=, age_band='),
        ("1:consent=yes:consent=no", "(each once)"),
        ("1:gender=", "person 1: gender cannot be empty"),
        ("1:route=nrn", 'person 1: unknown route "nrn" (did you mean "nrm"?)'),
        ("1:by=pc-nobody", 'person 1: the referral was made by "pc-nobody"'),
    ],
)
def test_a_bad_edit_exits_2_naming_it(
    dev: Path, record: dict[str, Any], edit: str, message: str
) -> None:
    before = stored(dev)
    code, out, err = amend(dev, str(record["id"]), "--edit-person", edit)
    assert code == 2 and out == "" and message in err, err
    assert stored(dev) == before


def test_an_edit_of_a_record_with_no_persons_names_it(dev: Path) -> None:
    done = invoke("log", "add", "--time", VISIT_TIME, "-w", dev, "--outcome", "leaflet_given")
    assert done.returncode == 0, done.stderr
    code, _, err = amend(dev, "last", "--edit-person", "1:consent=yes")
    assert code == 2 and "holds no person met one to one" in err


def test_replacing_and_editing_persons_at_once_is_refused(
    dev: Path, record: dict[str, Any]
) -> None:
    code, _, err = amend(dev, "last", "--person", ADULT_NOTIFIED, "--edit-person", "1:consent=yes")
    assert code == 2 and "--person" in err and "--edit-person" in err and "not both" in err


def test_an_edit_that_changes_nothing_is_refused(dev: Path, record: dict[str, Any]) -> None:
    code, _, err = amend(dev, "last", "--edit-person", "1:consent=no")
    assert code == 2 and "changes nothing" in err


def test_the_help_shows_how_to_edit_a_person() -> None:
    done = invoke("log", "amend", "--help")
    assert done.returncode == 0
    assert "--edit-person" in done.stdout and "N:KEY=VALUE" in done.stdout


# -- the parser ---------------------------------------------------------------------------

CODE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)


@given(
    number=st.integers(min_value=1, max_value=200),
    changes=st.dictionaries(
        st.sampled_from([f for f in PERSON_FIELDS if f != "ref"]), CODE, min_size=1
    ),
    ref=st.none() | st.text(alphabet=st.characters(exclude_characters="=\x00"), max_size=20),
)
def test_an_edit_reads_back_what_was_written(
    number: int, changes: dict[str, str], ref: str | None
) -> None:
    text = f"{number}:" + ":".join(f"{k}={v}" for k, v in changes.items())
    if ref is not None:
        text += f":ref={ref}"  # last: a reference may hold colons
    edit = PersonEdit.parse(text)
    expected = {**changes, **({} if ref is None else {"ref": ref})}
    assert edit.number == number and dict(edit.changes) == expected


@given(st.text(max_size=60))
def test_any_text_is_an_edit_or_a_record_error(text: str) -> None:
    try:
        edit = PersonEdit.parse(text)
    except RecordError as exc:
        assert "N:KEY=VALUE" in str(exc) or "each once" in str(exc)
        return
    person = Person("female", "age_25_34", "romanian")
    try:
        edit.apply(person)
    except RecordError as exc:
        assert "cannot be empty" in str(exc)
