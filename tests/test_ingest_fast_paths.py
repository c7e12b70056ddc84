"""Ingest's fast passes decide as the passes they stand in front of, whatever a record holds.

A fast pass that lets through what the careful pass refuses would be a hole in central's
checks: Hypothesis feeds both the same records - sound short text with one hostile text put
anywhere (long, non-ASCII, a lone surrogate, at and around each limit) - and their verdicts
must agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.central.form import (
    _NONE,
    _SEALED,
    _SHORTEST,
    TEXT_MAX,
    _texts_sound,
    _texts_sound_each,
    plain_line,
    plain_text_fields,
    text_fields,
)
from fieldkit.central.form_check import body_of_line, cut
from fieldkit.central.rules import NO_CONTEXT
from fieldkit.model import (
    _ALL as _ALL_FIELDS,
)
from fieldkit.model import (
    NOTES_MAX,
    Engagement,
    PeopleGroup,
    _built,
    _code_set,
    _merge_people,
    canonical_json,
)

SHORT = st.text(alphabet="abc-_", max_size=6)
SOUND = st.one_of(
    SHORT,
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(SHORT, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["gender", "ref", "signs"]), SHORT), max_size=2),
    st.dictionaries(SHORT, SHORT, max_size=2),
)
LIMITS = [_SHORTEST, TEXT_MAX, NOTES_MAX]
#: One text at, under or over a limit, ASCII or not, or holding a lone surrogate.
HOSTILE = st.one_of(
    st.builds(
        lambda n, d, c: c * (n + d),
        st.sampled_from(LIMITS),
        st.sampled_from([0, 1]),
        st.sampled_from(["x", "x", "\u00e9", "\ud800"]),
    ),  # fmt: skip
    st.text(alphabet=st.characters(codec=None), max_size=8),
)
NAMES = st.sampled_from(
    ["notes", "referral_ref", "texts", "venue", "officer", "partners", "people", "persons", "id"]
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A record of sound short values with one hostile text: a field, a list item, or a
    value in an object in a list."""
    data = draw(st.dictionaries(NAMES, SOUND, max_size=8))
    name, text = draw(NAMES), draw(HOSTILE)
    where = draw(st.sampled_from(["field", "item", "object"]))
    if where == "field":  # most often a field with a limit of its own
        data[draw(st.one_of(st.sampled_from(["referral_ref", "notes"]), NAMES))] = text
    elif where == "item":
        data[name] = [*draw(st.lists(SHORT, max_size=2)), text]
    else:
        data[name] = [{"gender": draw(SHORT), draw(st.sampled_from(["ref", "by"])): text}]
    return data


@settings(max_examples=500)
@given(records(), st.sampled_from([_NONE, _SEALED]))
def test_the_text_fast_pass_agrees_with_the_text_by_text_pass(
    data: dict[str, Any], skip: frozenset[str]
) -> None:
    assert _texts_sound(data, skip) is _texts_sound_each(data, skip)


@settings(max_examples=500)
@given(records(), st.sampled_from([None, "fieldkit-engagement/2"]), st.booleans())
def test_a_plain_line_passes_only_what_the_text_check_passes(
    data: dict[str, Any], form: str | None, ascii_only: bool
) -> None:
    """A bundle's record read from a plain line is checked with the plain rule: the verdict
    (and its words) are the full text check's, whichever way the line was written."""
    if form is not None:
        data["format"] = form
    text = json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":"), sort_keys=True)
    line = text.encode("utf-8", "surrogatepass")
    if plain_line(line):
        assert verdict(plain_text_fields, data) == verdict(text_fields, data)


def verdict(rule: Any, data: dict[str, Any]) -> Any:
    """What a rule says of `data`; for values the shape check keeps from the rules (a size
    of a number), the error it stops at."""
    try:
        return rule(data, NO_CONTEXT)
    except TypeError as exc:
        return str(exc)


def test_a_line_is_plain_only_without_escapes_non_ascii_or_long_runs() -> None:
    ok = b'{"a":"' + b"x" * TEXT_MAX + b'","b":["c"]}'
    assert plain_line(ok)
    assert not plain_line(ok.replace(b"x" * TEXT_MAX, b"x" * (TEXT_MAX + 1)))
    assert not plain_line(b'{"a":"\\ud800"}')
    assert not plain_line('{"a":"é"}'.encode())


GROUPS = st.builds(PeopleGroup, SHORT, SHORT, SHORT, st.integers(-2, 3))


@given(GROUPS)
def test_one_group_of_people_reads_as_the_general_merge_reads_it(group: PeopleGroup) -> None:
    """One group skips the merge; a second, empty group of the same codes takes it."""
    same = PeopleGroup(group.gender, group.age_band, group.nationality, 0)

    def merged(groups: tuple[PeopleGroup, ...]) -> Any:
        try:
            return _merge_people(groups)
        except ValueError as exc:
            return str(exc)

    assert merged((group,)) == merged((group, same))


@given(st.one_of(st.tuples(), st.tuples(SHORT), st.lists(SHORT, max_size=3)))
def test_codes_read_as_a_set_in_order(codes: Any) -> None:
    assert _code_set(codes) == tuple(sorted(set(codes)))


#: A sound format 2 record's values, as from_dict hands them to the constructor.
_BASE: dict[str, Any] = {
    "id": "01a22ce5-54f6-73f8-af6f-01cf97d4ddc4",
    "device": "alpha-1",
    "officer": "pc-hughes",
    "operation": "barnet-2023",
    "team": "alpha",
    "hlc": "001796049556726-00000",
    "recorded_at": "2026-11-30T14:39:16+00:00",
    "timezone": "Europe/London",
    "time": "2023-09-24T12:00:00+01:00",
    "venue_type": "church",
    "format": "fieldkit-engagement/2",
    "people": (PeopleGroup("female", "age_25_34", "romanian", 5),),
    "partners": ("met_police", "anitp"),
}
FIELD_NAMES = st.sampled_from([*sorted(_ALL_FIELDS), "unknown", "seals"])
VALUES = st.one_of(
    SOUND,
    st.integers(),
    st.floats(),
    st.just(10**400),
    st.sampled_from(["gps", "venue", "activity", "note", "fieldkit-engagement/1", "engagement"]),
    st.tuples(st.builds(PeopleGroup, SHORT, SHORT, SHORT, st.integers(-2, 3))),
)


def _made(make: Any, values: dict[str, Any]) -> Any:
    """The record made, field by field with each value's type (a new text's seal by its
    place: its salt is random), or the error's type and text."""
    try:
        rec = make(dict(values))
    except Exception as exc:  # noqa: BLE001 - the verdict compared is any error's type and text
        return (type(exc), str(exc))
    made = {f.name: getattr(rec, f.name) for f in fields(rec)}
    if isinstance(rec.seals, tuple | list):  # a value given for `seals` is kept as given
        made["seals"] = [getattr(seal, "path", seal) for seal in rec.seals]
    return [(name, type(value), value) for name, value in made.items()]


@settings(max_examples=500)
@given(
    st.dictionaries(FIELD_NAMES, VALUES, max_size=4),
    st.lists(st.sampled_from(sorted(_BASE)), max_size=2),
)
def test_a_record_read_from_json_is_built_as_the_constructor_builds_it(
    changes: dict[str, Any], dropped: list[str]
) -> None:
    """_built (from_dict's way to make the record) gives the same record, or the same error,
    as Engagement(**values), whatever the values: wrong types, missing or unknown fields."""
    values = {k: v for k, v in {**_BASE, **changes}.items() if k not in dropped}
    assert _made(lambda v: _built(Engagement, v), values) == _made(
        lambda v: Engagement(**v), values
    )


def signed_line(**fields: Any) -> tuple[bytes, dict[str, Any], bytes]:
    """(canonical line, record, signed body) of a record of `fields` with its hash."""
    body = {"amends": None, "id": "r-1", "venue": "v-1", **fields}
    signed = canonical_json(body)
    data = {**body, "hash": hashlib.sha256(signed).hexdigest(), "signature": "ab" * 64}
    data["texts"] = {}
    return canonical_json(data), data, signed


def test_the_body_cut_from_a_canonical_line_is_the_signed_body() -> None:
    line, data, signed = signed_line(notes=None)
    assert body_of_line(line, data) == signed


@given(st.sampled_from(["twice", "missing", "key again"]), SHORT)
def test_a_line_cut_any_other_way_gives_no_body(change: str, text: str) -> None:
    """A hash pair given twice or missing, or a cut key named again in what is left: no body
    is cut (ingest reads the record's body from the parsed record)."""
    line, data, _ = signed_line(notes=text)
    pair = b',"hash":"' + data["hash"].encode() + b'"'
    if change == "twice":
        line = line.replace(b"}", pair + b"}", 1)
    elif change == "missing":
        line = line.replace(pair, b"")
    else:
        line = line.replace(b'"venue"', b'"signature"')
    assert body_of_line(line, data) is None


def test_spans_cut_from_a_line_leave_the_rest_in_order_and_never_overlap() -> None:
    assert cut(b"abcdef", [(1, 2), (4, 5)]) == b"acdf"
    assert cut(b"abcdef", [(1, 3), (2, 4)]) is None
