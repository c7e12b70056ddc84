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


# -- the fast guards: a long integer, a deep nest in a wide text --------------------------

#: Texts that look like the structure they sit in: brackets, quotes, escapes, digit runs.
tricky_text = st.text(alphabet=st.sampled_from('[]{}"\\,:- 0123456789aé\n'), max_size=30)
tricky = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=30,
)


def nest(value: Any, levels: int) -> Any:
    for n in range(levels):
        value = [value] if n % 2 else {"k": value}
    return value


@given(tricky, st.integers(min_value=0, max_value=MAX_DEPTH + 3), st.booleans())
def test_a_wide_text_reads_as_the_standard_parser_reads_it_and_a_deep_one_is_refused(
    value: Any, levels: int, ensure_ascii: bool
) -> None:
    # Wide: more [ and { than MAX_DEPTH, so the nesting is judged on the text's structure.
    doc = [nest(value, levels), [[] for _ in range(MAX_DEPTH)]]
    text = json.dumps(doc, ensure_ascii=ensure_ascii).encode()
    if depth(doc) > MAX_DEPTH:
        with pytest.raises(JSONInputError, match="nested more than"):
            loads(text)
        with pytest.raises(JSONInputError, match="^line 2: nested more than"):
            loads_lines([b"[]", text])
        with pytest.raises(JSONInputError, match="^line 2: nested more than"):
            loads_lines([b"[]", text], b"[]\r\n  \n" + text + b"\n")  # scanned whole
    else:
        assert loads(text) == json.loads(text)
        assert loads_lines([b"[]", text]) == [[], json.loads(text)]
        assert loads_lines([b"[]", text], b"[]\r\n  \n" + text + b"\n") == [[], json.loads(text)]


@given(st.integers(min_value=-(10**40), max_value=10**40), tricky_text)
def test_numbers_stay_exact_beside_digit_runs_in_strings(number: int, text: str) -> None:
    doc = json.dumps({"n": number, "s": text, "l": [text, number]}).encode()
    assert loads(doc) == json.loads(doc)
    assert loads_lines([doc, doc]) == [json.loads(doc)] * 2
    assert loads_lines([doc, doc], doc + b"\n\n" + doc) == [json.loads(doc)] * 2
