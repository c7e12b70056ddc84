"""The one reader of JSON from outside: the standard parser's answers, within size and depth."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.json_input import MAX_DEPTH, JSONInputError, loads, loads_lines, nested_deeper

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return 0
    return 1 + max((depth(v) for v in value), default=0)


@given(values)
def test_loads_gives_what_the_standard_parser_gives(value: Any) -> None:
    text = json.dumps(value)
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


@given(values, st.integers(min_value=0, max_value=6))
def test_nested_deeper_counts_lists_and_objects(value: Any, limit: int) -> None:
    assert nested_deeper(value, limit) == (depth(value) > limit)


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
        "[" * 2000 + "]" * 2000,  # deeper than orjson's own limit
        "[" * 100_000,  # not even closed
        '[1e999, "\\ud800", ' + "[" * 5000 + "]" * 5000 + "]",  # for the standard parser
    ],
)
def test_nesting_deeper_than_the_limit_is_refused_by_name(text: str) -> None:
    with pytest.raises(JSONInputError, match=f"nested more than {MAX_DEPTH} levels deep"):
        loads(text)


def test_the_limit_itself_is_fine_and_size_is_checked_first() -> None:
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert nested_deeper(loads(at_limit), MAX_DEPTH - 1)
    with pytest.raises(JSONInputError, match="over the 10 allowed"):
        loads(b"[1,2,3,4,5,6]", limit=10)


def test_a_bad_line_is_named() -> None:
    assert loads_lines([b'{"a":1}', b"[2]"]) == [{"a": 1}, [2]]
    with pytest.raises(JSONInputError, match="^line 2: "):
        loads_lines([b"{}", b"{nope", b"{}"])
    with pytest.raises(JSONInputError, match="^line 2: "):
        loads_lines([b"{}", b"1, 2"])  # two values on one line
    with pytest.raises(JSONInputError, match="^line 3: nested more than"):
        loads_lines([b"{}", b"[]", b"[" * 65 + b"]" * 65])


@pytest.mark.parametrize(
    "number", [-9223372036854775809, 9223372036854775808, 18446744073709551616, 10**400]
)
def test_integers_past_64_bits_stay_exact_integers(number: int) -> None:
    text = json.dumps({"lat": number, "list": [number]})
    assert loads(text) == loads(text.encode()) == {"lat": number, "list": [number]}
    assert loads_lines([text.encode(), b"1"]) == [{"lat": number, "list": [number]}, 1]
