"""Mutated Barnet playbooks (text, bytes and data) give located problems, never a traceback."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.playbook import Playbook, PlaybookError, load_text
from fieldkit.playbook.yamlerrors import lines_of
from fieldkit.playbook.yamlread import decode
from tests.support.paths import BARNET

RAW = BARNET.read_bytes()
TEXT = RAW.decode("utf-8")
LINES = TEXT.splitlines(keepends=True)
DATA = yaml.safe_load(TEXT)
EXAMPLES = int(os.environ.get("FIELDKIT_MUTATION_EXAMPLES", "0")) or None

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What people (and editors, and broken disks) put into YAML by mistake.
NASTY = [
    "\t",
    '"',
    "'",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "#",
    "&a",
    "*a",
    "!",
    "|",
    ">",
    "\\",
    ",",
    "\n",
    "  ",
    "?",
    "%",
    "@",
    "`",
    "<<: ",
    "\r",
    "\u00a0",
    "\u2028",
    "é",
    "ș",
]


def assert_located(text: str, name: str = "m.yaml") -> None:
    """Loads, or fails with problems that each point inside the text."""
    try:
        result = load_text(text, name)
    except PlaybookError as exc:
        check_problems(exc, text, name)
    else:
        assert isinstance(result, Playbook)


def check_problems(exc: PlaybookError, text: str, name: str) -> None:
    assert exc.problems, "a PlaybookError names at least one problem"
    assert exc.problems == sorted(exc.problems)
    lines = lines_of(text.removeprefix("\ufeff"))
    for problem in exc.problems:
        assert problem.file == name
        assert problem.message and "Traceback" not in problem.message
        # The safety nets for gaps in the checks must not be what caught it.
        assert not problem.message.startswith(("could not check", "cannot read the playbook"))
        assert 1 <= problem.line <= len(lines), (problem, len(lines))
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem


@st.composite
def text_mutations(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "insert", "cut"]))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind in ("char", "insert"):
            line = lines[i]
            at = draw(st.integers(0, max(len(line) - 1, 0)))
            new = draw(st.sampled_from(NASTY) | st.text(min_size=1, max_size=3))
            rest = line[at + 1 :] if kind == "char" else line[at:]
            lines[i] = line[:at] + new + rest
        elif kind == "cut":
            text = "".join(lines)
            return text[: draw(st.integers(0, len(text)))]
    return "".join(lines)


@settings(max_examples=EXAMPLES or 100, **SETTINGS)
@given(text_mutations())
def test_text_mutations_are_located(text: str) -> None:
    assert_located(text)


@settings(max_examples=EXAMPLES or 40, **SETTINGS)
@given(st.integers(0, len(RAW)), st.binary(min_size=1, max_size=8), st.booleans())
def test_random_bytes_are_located(at: int, junk: bytes, replace: bool) -> None:
    raw = RAW[:at] + junk + RAW[at + len(junk) * replace :]
    try:
        text = decode(raw, "m.yaml")
    except PlaybookError as exc:
        check_problems(exc, raw.decode("utf-8", errors="replace"), "m.yaml")
        return
    assert_located(text)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, path + (i,))
    return found


PATHS = [p for p in _paths(DATA) if p]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats()
    | st.text(max_size=12)
    | st.dates(min_value=date(1, 1, 1))
    | st.sampled_from(["25:00", "Europe/Londn", "mon", "1h30", "anitp", "pc-hughes"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _kind(value: Any) -> str:
    return (
        "map"
        if isinstance(value, dict)
        else "seq"
        if isinstance(value, list)
        else type(value).__name__
    )


@settings(max_examples=EXAMPLES or 60, **SETTINGS)
@given(st.sampled_from(PATHS), VALUES)
def test_data_mutations_are_located(path: tuple[Any, ...], value: Any) -> None:
    data = yaml.safe_load(TEXT)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if _kind(value) == _kind(parent[path[-1]]):
        value = [value] if not isinstance(value, list) else {"x": value}
    parent[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert_located(text)
