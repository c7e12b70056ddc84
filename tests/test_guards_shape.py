"""The form check of a received record (fieldkit/central/shape.py): one violation a row, its words.

A record reaches ingest as parsed JSON; before anything else, its fields and their types must
be an Engagement's. Each row changes one thing of a well-formed sealed record.
"""

from __future__ import annotations

from typing import Any

import pytest

from fieldkit.central import shape
from fieldkit.central.shape import shape_problem
from tests.support import records as hostile

PEOPLE = {"gender": "female", "age_band": "age_25_34", "nationality": "romanian", "count": 1}
GROUPS = "people must be groups of {gender, age_band, nationality, count}"
_DROP = object()


def sealed(**change: Any) -> dict[str, Any]:
    """A well-formed sealed record with `change` applied (a value of _DROP removes the field)."""
    data = {**hostile.record("alpha-1", "barnet", "alpha", "pc-okafor"), "hash": "0" * 64}
    data["signature"] = "ab" * 64
    data.update(change)
    return {k: v for k, v in data.items() if v is not _DROP}


# (what is wrong, the change, the exact problem)
ROWS: list[tuple[str, dict[str, Any], str]] = [
    ("a field the record has not", {"colour": "red"}, 'unknown field "colour"'),
    ("a field named in markup", {"[/bold]": 1}, 'unknown field "[/bold]"'),
    ("latitude as text", {"lat": "51.5"}, 'field "lat" has the wrong type (str)'),
    ("latitude as a boolean", {"lat": True}, 'field "lat" has the wrong type (bool)'),
    ("accuracy as a list", {"accuracy_m": [1]}, 'field "accuracy_m" has the wrong type (list)'),
    ("interpreter as a number", {"interpreter": 1}, 'field "interpreter" has the wrong type (int)'),
    ("interpreter missing a value", {"interpreter": None},
     'field "interpreter" has the wrong type (NoneType)'),
    ("an id that is a number", {"id": 5}, 'field "id" has the wrong type (int)'),
    ("an id that is null", {"id": None}, 'field "id" has the wrong type (NoneType)'),
    ("a visit that is a number", {"visit": 7}, 'field "visit" has the wrong type (int)'),
    ("people as an object", {"people": PEOPLE}, 'field "people" has the wrong type (dict)'),
    ("partners as text", {"partners": "anitp"}, 'field "partners" has the wrong type (str)'),
    ("prev_hash null", {"prev_hash": None}, 'field "prev_hash" has the wrong type (NoneType)'),
    ("format a number", {"format": 1}, 'field "format" has the wrong type (int)'),
    ("hash a number", {"hash": 1}, 'field "hash" has the wrong type (int)'),
    ("the first wrong field is named", {"lat": "x", "lon": "y"},
     'field "lat" has the wrong type (str)'),
    ("time and id missing", {"time": _DROP, "id": _DROP}, "missing field(s): id, time"),
    ("venue type missing", {"venue_type": _DROP}, "missing field(s): venue_type"),
    ("no hash", {"hash": _DROP}, "a sealed record has a hash and a signature"),
    ("no signature", {"signature": _DROP}, "a sealed record has a hash and a signature"),
    ("the required fields only: unsealed",
     {name: _DROP for name in ("visit", "venue", "lat", "lon", "accuracy_m", "people", "language",
                               "interpreter", "partners", "indicators", "outcomes",
                               "referral_ref", "notes", "amends", "prev_hash", "hash",
                               "signature", "format")},
     "a sealed record has a hash and a signature"),
    ("another format", {"format": "fieldkit-engagement/9"},
     'format "fieldkit-engagement/9" is not one of fieldkit-engagement/1, '
     'fieldkit-engagement/2'),
    ("a kind that is a number", {"kind": 1}, 'field "kind" has the wrong type (int)'),
    ("an activity in a format 1 record", {"kind": "activity", "activity": "note"},
     "a format 1 record has no activity"),
    ("a partner that is a number", {"partners": ["anitp", 1]}, "partners must be a list of codes"),
    ("an indicator that is null", {"indicators": [None]}, "indicators must be a list of codes"),
    ("an outcome that is a list", {"outcomes": [["x"]]}, "outcomes must be a list of codes"),
    ("a group that is a number", {"people": [5]}, GROUPS),
    ("a group that is a list", {"people": [["female", 1]]}, GROUPS),
    ("a group without a count", {"people": [{k: v for k, v in PEOPLE.items() if k != "count"}]},
     GROUPS),
    ("a group with one more key", {"people": [{**PEOPLE, "name": "x"}]}, GROUPS),
    ("a count that is a boolean", {"people": [{**PEOPLE, "count": True}]}, GROUPS),
    ("a count that is text", {"people": [{**PEOPLE, "count": "1"}]}, GROUPS),
    ("a count that is a float", {"people": [{**PEOPLE, "count": 1.0}]}, GROUPS),
    ("a negative count", {"people": [{**PEOPLE, "count": -1}]}, GROUPS),
    ("a gender that is a number", {"people": [{**PEOPLE, "gender": 1}]}, GROUPS),
    ("an age band that is null", {"people": [{**PEOPLE, "age_band": None}]}, GROUPS),
    ("a nationality that is a list", {"people": [{**PEOPLE, "nationality": []}]}, GROUPS),
    ("the second group wrong", {"people": [PEOPLE, {**PEOPLE, "count": -2}]}, GROUPS),
]  # fmt: skip

#: Changes that keep a record well-formed.
SOUND: list[tuple[str, dict[str, Any]]] = [
    ("as logged", {}),
    ("integers where numbers are meant", {"lat": 51, "lon": 0, "accuracy_m": 5}),
    ("no position", {"lat": None, "lon": None, "accuracy_m": None}),
    ("optional fields left out", {"visit": _DROP, "notes": _DROP, "people": _DROP,
                                  "partners": _DROP, "format": _DROP, "prev_hash": _DROP}),
    ("empty lists", {"people": [], "partners": [], "indicators": [], "outcomes": []}),
    ("a count of 0", {"people": [{**PEOPLE, "count": 0}]}),
    ("interpreter true", {"interpreter": True}),
]  # fmt: skip


TEXT, MAYBE_TEXT, NUMBER = (str,), (str, type(None)), (float, int, type(None))
#: Every field of a record and the JSON types it may hold (from the Engagement dataclass).
FIELD_TYPES = {
    **dict.fromkeys(["id", "device", "officer", "operation", "team", "hlc", "recorded_at",
                     "timezone", "time", "venue_type"], TEXT),
    **dict.fromkeys(["visit", "venue", "language", "referral_ref", "notes", "amends",
                     "position_source"], MAYBE_TEXT),
    **dict.fromkeys(["lat", "lon", "accuracy_m"], NUMBER),
    **dict.fromkeys(["people", "partners", "indicators", "outcomes", "persons"], (list,)),
    "texts": (dict,),
    "interpreter": (bool,),
    **dict.fromkeys(["prev_hash", "hash", "signature", "format", "kind"], TEXT),
    "activity": MAYBE_TEXT,
}  # fmt: skip
REQUIRED = {"id", "device", "officer", "operation", "team", "hlc", "recorded_at", "timezone",
            "time", "venue_type"}  # fmt: skip


def test_each_field_takes_the_types_of_the_engagement_record() -> None:
    assert shape._kinds() == (FIELD_TYPES, REQUIRED)
    assert (shape.KINDS, shape.REQUIRED) == (FIELD_TYPES, REQUIRED)


@pytest.mark.parametrize(
    ("change", "problem"), [pytest.param(c, p, id=name) for name, c, p in ROWS]
)
def test_one_violation_is_named_exactly(change: dict[str, Any], problem: str) -> None:
    assert shape_problem(sealed()) is None  # the same record, well-formed, first
    assert shape_problem(sealed(**change)) == problem


@pytest.mark.parametrize("change", [pytest.param(c, id=name) for name, c in SOUND])
def test_a_well_formed_record_has_no_problem(change: dict[str, Any]) -> None:
    data = sealed(**change)
    assert shape_problem(data) is None
    assert shape_problem(data) is None  # again, from the cache of known shapes


@pytest.mark.parametrize("data", [[], None, "record", 5, [sealed()]])
def test_a_record_is_a_json_object(data: Any) -> None:
    assert shape_problem(data) == "a record is a JSON object"


def test_a_known_shape_still_has_its_values_checked() -> None:
    assert shape_problem(sealed(people=[PEOPLE])) is None
    assert shape_problem(sealed(people=[{**PEOPLE, "count": -1}])) == GROUPS
    assert shape_problem(sealed(format="fieldkit-engagement/1")) is None
    assert shape_problem(sealed(format="x")) == (
        'format "x" is not one of fieldkit-engagement/1, fieldkit-engagement/2'
    )


def test_the_cache_of_known_shapes_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile pushes of ever new field sets cannot grow central's memory without end."""
    monkeypatch.setattr(shape, "_GOOD", set())
    optional = ["visit", "venue", "lat", "lon", "accuracy_m", "language", "referral_ref",
                "notes", "amends", "people", "partners", "indicators", "outcomes"]  # fmt: skip
    first = sealed()
    assert shape_problem(first) is None
    assert shape._GOOD == {(tuple(first), tuple(map(type, first.values())))}
    for n in range(4200):
        dropped = {name: _DROP for i, name in enumerate(optional) if n >> i & 1}
        assert shape_problem(sealed(**dropped)) is None
    assert len(shape._GOOD) == 4096
