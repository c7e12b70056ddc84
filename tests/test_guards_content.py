"""Each content rule alone (fieldkit/central/content.py): one violation, one rule, exact words."""

from __future__ import annotations

from typing import Any

import pytest

from fieldkit.central.content import (
    CONTENT_RULES,
    FORM_RULES,
    QUOTE_MAX,
    Context,
    known_zone,
    quote,
    shown_id,
    text_fields,
)
from fieldkit.central.form import _texts_sound
from fieldkit.central.known import kit_codes, known_from
from fieldkit.field.keys import DeviceKey
from tests.support import records as hostile
from tests.support.content_cases import CASE_PARAMS, EDGE_PARAMS, OFFICER, OPERATION, PEOPLE, TEAM

RULES = FORM_RULES + CONTENT_RULES
CTX = Context(
    operation=OPERATION,
    team=TEAM,
    officer=OFFICER,
    codes=kit_codes(),
    visits=frozenset({"church-sermons-sun-0-church-hendon"}),
    venues=frozenset({"church-hendon"}),
    members=frozenset({"pc-hughes", OFFICER, "anitp-ionescu"}),
)
BASE = {"visit": "church-sermons-sun-0-church-hendon", "venue": "church-hendon"}


KEY = DeviceKey.generate()


def sealed(**change: Any) -> dict[str, Any]:
    data = {**hostile.record("alpha-1", OPERATION, TEAM, OFFICER), **BASE, **change}
    return hostile.seal(data, KEY)[0]


@pytest.mark.parametrize(("change", "rule", "reason"), CASE_PARAMS)
def test_one_violation_is_refused_by_its_rule_alone(
    change: dict[str, Any], rule: str, reason: str
) -> None:
    data = sealed(**change)
    # A record that fails a form rule never meets the content rules (ingest stops there).
    rules = FORM_RULES if any(r.__name__ == rule for r in FORM_RULES) else RULES
    verdicts = {r.__name__: r(data, CTX) for r in rules}
    assert {name: why for name, why in verdicts.items() if why is not None} == {rule: reason}


@pytest.mark.parametrize("change", EDGE_PARAMS)
def test_values_at_the_edges_break_no_rule(change: dict[str, Any]) -> None:
    data = sealed(**change)
    assert {r.__name__: r(data, CTX) for r in RULES} == dict.fromkeys(
        (r.__name__ for r in RULES), None
    )


#: Texts at their limits, and valid texts beyond ASCII, wherever a text can be.
TEXT_EDGES = [
    pytest.param({"venue": "v" * 200}, id="a venue id of 200 characters"),
    pytest.param({"partners": ["p" * 200]}, id="a code of 200 characters"),
    pytest.param({"indicators": ["ș"]}, id="a code beyond ASCII"),
    pytest.param({"people": [{**PEOPLE, "nationality": "n" * 200}]}, id="a people code of 200"),
    pytest.param({"people": [{**PEOPLE, "gender": "ș"}]}, id="a people code beyond ASCII"),
    pytest.param({"people": [{"count": 1, **PEOPLE}]}, id="a people group with its count first"),
]


@pytest.mark.parametrize("change", EDGE_PARAMS + TEXT_EDGES)
def test_the_fast_pass_lets_sound_text_through_alone(change: dict[str, Any]) -> None:
    """Ingest's hot path: a record with sound text never needs the slow pass that names."""
    data = sealed(**change)
    assert _texts_sound(data) is True
    assert text_fields(data, CTX) is None


@pytest.mark.parametrize(
    ("change", "rule", "reason"), [p for p in CASE_PARAMS if p.values[1] == "text_fields"]
)
def test_the_fast_pass_sends_every_faulty_text_to_the_slow_pass(
    change: dict[str, Any], rule: str, reason: str
) -> None:
    data = sealed(**change)
    assert (_texts_sound(data), text_fields(data, CTX)) == (
        reason.endswith("items (at most 100)") or reason.endswith("groups (at most 500)"),
        reason,
    )


def test_without_a_plan_visits_and_venues_go_unchecked_and_the_officer_is_the_credentials() -> None:
    bare = Context(operation=OPERATION, team=TEAM, officer=OFFICER, codes=kit_codes())
    data = sealed(visit="any", venue="any", officer=OFFICER)
    assert [r(data, bare) for r in RULES] == [None] * len(RULES)
    other = sealed(officer="pc-hughes")
    assert [r(other, bare) for r in RULES if r(other, bare)] == [
        'officer "pc-hughes" is not this device\'s officer (pc-okafor)'
    ]


def test_an_empty_code_list_knows_no_code() -> None:
    empty = Context(operation=OPERATION, team=TEAM, officer=OFFICER)
    data = sealed()
    assert [r(data, empty) for r in CONTENT_RULES if r(data, empty)] == [
        'venue_type "car_wash" is not one of the operation\'s venue types',
        'language "romanian" is not one of the operation\'s languages',
        'partner "anitp" is not one of the operation\'s partners',
        'gender "female" is not one of the operation\'s genders',
    ]


def test_quotes_are_ascii_and_short() -> None:
    assert quote("Ș[\ud800]") == '"\\u0218[\\ud800]"'
    assert quote(float("nan")) == "NaN"
    long = quote("x" * 500)
    assert len(long) == QUOTE_MAX and long.endswith("...")
    assert quote("x" * (QUOTE_MAX - 2)) == '"' + "x" * (QUOTE_MAX - 2) + '"'
    assert quote(b"\xff") == "\"b'\\\\xff'\""  # not JSON: quoted as Python shows it


def test_shown_ids_can_be_stored_and_shown() -> None:
    uuid = "0190a000-0000-7000-8000-000000000001"
    assert shown_id(uuid) == uuid
    assert shown_id("Ș") == "Ș"
    assert shown_id(5) is None and shown_id(None) is None
    assert shown_id("a\ud800") == "a\\ud800"
    assert shown_id("y" * 201) == "y" * 200
    assert shown_id("Ș" * 200) == "Ș" * 200
    assert shown_id("Ș" * 201) == ("\\u0218" * 34)[:200]


@pytest.mark.parametrize(
    ("name", "known"),
    [("Europe/London", True), ("UTC", True), ("America/Argentina/Buenos_Aires", True),
     ("Etc/GMT+5", True), ("Mars/Olympus", False), ("../etc/passwd", False), ("", False),
     ("Europe/../London", False), ("/etc/localtime", False), ("Europe/" + "x" * 60, False),
     ("Europe", False), ("leapseconds", False)],  # a folder, a file that is no zone
)  # fmt: skip
def test_known_zones(name: str, known: bool) -> None:
    assert known_zone(name) is known


def test_what_central_knows_is_the_union_of_every_published_version() -> None:
    v1 = {
        "codes": {"indicators": [{"code": "long_hours"}], "genders": "not a list"},
        "assignments": [{"visit": "a"}, {"visit": "b"}, "junk"],
        "venues": [{"id": "v1"}, {"id": None}],
        "team": {"members": [{"id": "pc-a"}]},
    }
    v2 = {
        "codes": {"indicators": [{"code": "sleeps_on_site"}]},
        "assignments": [{"visit": "c"}],
        "venues": [{"id": "v2"}],
        "team": {"members": [{"id": "pc-b"}]},
    }
    known = known_from([("alpha", v1), ("alpha", v2), ("bravo", {"team": "junk"})])
    assert known.codes["indicators"] == {"long_hours", "sleeps_on_site"}
    assert known.codes["genders"] == kit_codes()["genders"]  # no list published: the kit's
    assert known.visits == {"a", "b", "c"} and known.venues == {"v1", "v2"}
    assert known.members == {"alpha": {"pc-a", "pc-b"}, "bravo": frozenset()}
    nothing = known_from([])
    assert (nothing.visits, nothing.venues, nothing.members) == (None, None, {})
    assert nothing.codes == kit_codes()
