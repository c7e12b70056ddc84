"""`fieldkit log add --person SPEC`: persons met one to one, the referral rules on the device
(exit 2 naming the rule in English and Romanian), and `log amend` changing a person."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_field_cli import VISIT_TIME, Run, add, dev, op_folder, run  # noqa: F401

CHILD_NRM = "female:under_18:romanian:signs=owes_debt,isolated:route=nrm:by=pc-stan:ref=NRM:2023/1"


def test_a_person_is_logged_with_every_field(dev: Path, run: Run) -> None:  # noqa: F811
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


def test_a_broken_rule_exits_2_naming_it_in_both_languages(dev: Path, run: Run) -> None:  # noqa: F811
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


def test_an_nrm_referral_by_a_charity_officer_is_refused(dev: Path, run: Run) -> None:  # noqa: F811
    code, _, err = run(
        "log", "add", "--time", VISIT_TIME, "-w", dev,
        "--person", "female:age_25_34:romanian:signs=owes_debt:consent=yes:route=nrm:by=jc-taylor",
    )  # fmt: skip
    assert code == 2
    assert "An NRM referral is made by an officer of a first responder organisation." in err


def test_a_bad_spec_and_an_unknown_code_exit_2(dev: Path, run: Run) -> None:  # noqa: F811
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", "female")
    assert code == 2 and "GENDER:AGE_BAND:NATIONALITY" in err
    spec = "female:age_25_34:romanian:colour=red"
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", spec)
    assert code == 2 and '"colour=red" is not one of signs=' in err
    spec = "female:age_25_34:romanian:route=nrn"
    code, _, err = run("log", "add", "--time", VISIT_TIME, "-w", dev, "--person", spec)
    assert code == 2 and 'person 1: unknown route "nrn" (did you mean "nrm"?)' in err


def test_amend_changes_a_persons_fields(dev: Path, run: Run) -> None:  # noqa: F811
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
