"""The code lists: every list loads with English and Romanian labels, indicators map to the ILO's
11, and a playbook's `codes:` section restricts and extends them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldkit.codes import (
    ILO_CODES,
    LIST_NAMES,
    Code,
    CodeBook,
    CodeList,
    CodeListError,
    load_codes,
    validate,
)
from fieldkit.playbook import PlaybookError, load_playbook, load_text

BASE = (Path(__file__).resolve().parent / "playbooks_broken" / "_valid.yaml").read_text("utf-8")


def test_every_list_loads_once_with_both_labels() -> None:
    book = load_codes()
    assert load_codes() is book  # read and checked once
    assert list(book.lists) == list(LIST_NAMES)
    for name in LIST_NAMES:
        codes = book[name]
        assert len(codes) >= 3, name
        for code in codes:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", code.code)
            assert code.en.strip() and code.ro.strip(), code
            assert code.label("en") == code.en and code.label("ro") == code.ro
            assert code.both() == f"{code.en} / {code.ro}"


def test_romanian_labels_are_written_correctly() -> None:
    book = load_codes()
    labels = [c.ro for name in LIST_NAMES for c in book[name]]
    # Comma-below ș and ț, never the cedilla look-alikes ş and ţ.
    assert not [label for label in labels if re.search("[şţŞŢ]", label)]
    assert any("ș" in label for label in labels) and any("ț" in label for label in labels)
    assert book.skills["romanian_speaker"].ro == "Vorbitor de limba română"
    assert book.partners["anitp"].ro.endswith(
        "(Agenția Națională împotriva Traficului de Persoane)"
    )
    assert book.partners["romanian_border_police"].ro == "Poliția de Frontieră Română"
    assert book.ilo_indicators["debt_bondage"].ro == "Servitute pentru datorii"
    assert book.indicators["controlling_boyfriend"].ro == "Controlat de un „iubit”"
    assert book["age_bands"]["age_18_24"].ro == "18–24 de ani"
    # Labels that are not names (of agencies, charities) are translated, not copied.
    for name in ("venue_types", "skills", "indicators", "outcomes", "ilo_indicators"):
        assert all(c.ro != c.en for c in book[name]), name


def test_indicators_map_to_the_ilo_eleven() -> None:
    book = load_codes()
    assert len(ILO_CODES) == 11
    assert book.ilo_indicators.ids == list(ILO_CODES)
    mapped = {c.attrs["ilo"] for c in book.indicators}
    assert mapped <= set(ILO_CODES)
    assert len(mapped) >= 9  # the signs officers see cover most of the ILO's indicators


def test_validation_refuses_broken_lists() -> None:
    data = load_codes().to_dict()
    data["indicators"][0]["ilo"] = "bad_luck"
    with pytest.raises(CodeListError, match="not one of the ILO's 11"):
        validate(CodeBook.from_dict(data))
    data = load_codes().to_dict()
    data["skills"][0]["ro"] = "Vorbitor de limba romînă, ţară"
    with pytest.raises(CodeListError, match="comma below"):
        validate(CodeBook.from_dict(data))
    data = load_codes().to_dict()
    data["skills"].append(dict(data["skills"][0]))
    with pytest.raises(CodeListError, match="listed twice"):
        CodeBook.from_dict(data)
    data = load_codes().to_dict()
    del data["outcomes"][0]["ro"]
    with pytest.raises(CodeListError, match="needs English and Romanian labels"):
        CodeBook.from_dict(data)


def test_unknown_names_say_what_was_meant() -> None:
    book = load_codes()
    with pytest.raises(KeyError, match='no code list "skils" \\(did you mean "skills"\\?\\)'):
        book["skils"]
    with pytest.raises(KeyError, match='no skills code "drivr" \\(did you mean "driver"\\?\\)'):
        book.skills["drivr"]
    assert book.skills.get("drivr") is None
    assert book.skills.suggest("femail_officer") == "female_officer"
    assert book.skills.suggest("Romanian speaker") == "romanian_speaker"
    assert book.partners.suggest("ANITP") == "anitp"
    assert book.partners.suggest("anitp") is None  # a known code needs no suggestion
    assert book.skills.suggest("bicycle") is None


def test_restrict_and_extend() -> None:
    skills = load_codes().skills
    small = skills.restrict(["driver", "detective", "nope"])
    assert small.ids == ["detective", "driver"]  # the list's order, not the caller's
    more = small.extend([Code("diver", "Diver", "Scafandru"), Code("driver", "x", "y")])
    assert more.ids == ["detective", "driver", "diver"]
    assert more["driver"].en == "Driver"
    assert isinstance(more, CodeList) and "diver" in more


CODES = """\
codes:
  add:
    skills:
      - {code: dog_handler, en: Dog handler, ro: Conductor de câini}
    indicators:
      - {code: works_at_night, en: Works only at night, ro: Lucrează doar noaptea,
         ilo: excessive_overtime}
    partners:
      - {code: street_pastors_barnet, en: Barnet Street Pastors, ro: Street Pastors Barnet,
         kind: charity}
  use:
    skills: [romanian_speaker, first_responder, driver, female_officer]
    outcomes: [no_concerns, leaflet_given, nrm_referral]
"""


def test_a_playbook_restricts_and_extends_the_lists() -> None:
    playbook = load_text(BASE + CODES, "codes.yaml")
    book = playbook.codebook
    assert book.skills.ids == [
        "romanian_speaker",
        "female_officer",
        "first_responder",
        "driver",
        "dog_handler",
    ]
    assert book.outcomes.ids == ["no_concerns", "leaflet_given", "nrm_referral"]
    assert book.indicators["works_at_night"].attrs == {"ilo": "excessive_overtime"}
    assert book.indicators.ids[:-1] == load_codes().indicators.ids  # untouched, plus one
    assert book.partners["street_pastors_barnet"].attrs == {"kind": "charity"}
    assert book.venue_types.ids == load_codes().venue_types.ids


def test_a_restricted_code_is_unknown_to_the_playbook() -> None:
    text = BASE + "codes:\n  use:\n    skills: [romanian_speaker, first_responder, driver]\n"
    with pytest.raises(PlaybookError) as caught:
        load_text(text, "f.yaml")
    assert [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems] == [
        '25:31: unknown skill "female_officer" (known: romanian_speaker, first_responder, driver)'
    ]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "  use:\n    skils: [driver]\n",
            ['68:5: unknown code list "skils" (did you mean "skills"?)'],
        ),
        ("  add:\n    colours: []\n", ['68:5: unknown code list "colours"']),
        (
            "  use:\n    skills: [driver, romainian_speaker]\n",
            ['68:22: unknown skill "romainian_speaker" (did you mean "romanian_speaker"?)'],
        ),
        (
            "  add:\n    ilo_indicators:\n      - {code: bad_luck, en: Bad luck, ro: Ghinion}\n",
            ["68:5: the ILO's 11 indicators of forced labour are fixed: none can be added"],
        ),
        (
            "  add:\n    indicators:\n      - {code: x_sign, en: X, ro: X}\n"
            "      - {code: y_sign, en: Y, ro: Y, ilo: debt_bondge}\n"
            "      - {code: long_hours, en: Z, ro: Z, ilo: debt_bondage}\n",
            [
                '69:9: indicator "x_sign" needs `ilo:` (one of the ILO\'s 11 indicators)',
                '70:43: unknown ILO indicator "debt_bondge" (did you mean "debt_bondage"?)',
                '71:16: indicators code "long_hours" already exists',
            ],
        ),
        (
            "  add:\n    partners:\n      - {code: lincs, en: Lincs, ro: Lincs, knd: police}\n",
            ['69:45: unknown key "knd" (did you mean "kind"?)'],
        ),
        (
            "  use: {skills: driver}\n",
            ['67:17: skills: should be a list ([a, b], or lines starting with "- "), not "driver"'],
        ),
        (
            "  add:\n    skills:\n      - {code: Diver, en: Diver}\n",
            [
                '69:9: missing required key "ro" for this added code',
                '69:16: code: "Diver" is not an id or code: use lower-case letters, digits, _ or -',
            ],
        ),
    ],
)
def test_codes_section_mistakes_are_reported(section: str, expected: list[str]) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_text(BASE + "codes:\n" + section, "f.yaml")
    assert [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems] == expected


def test_the_barnet_playbook_uses_the_kit_lists() -> None:
    from tests.support.paths import BARNET

    book = load_playbook(BARNET).codebook
    assert book.skills.ids == load_codes().skills.ids
