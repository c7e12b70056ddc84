"""How a refused record is kept (fieldkit/central/problems.py): its text, whatever it holds."""

from __future__ import annotations

from typing import Any

import pytest

from fieldkit.central.problems import FORK, GAP, IngestResult, record_text, refuse

# (what the record holds, the text kept)
TEXTS: list[tuple[str, Any, str]] = [
    ("text beyond ASCII, kept as written", {"notes": "Bună ziua"}, '{"notes": "Bună ziua"}'),
    ("a lone surrogate, kept as its JSON escape", {"notes": "a\ud800", "x": "ș"},
     '{"notes": "a\\ud800", "x": "\\u0219"}'),
    ("not a record at all", ["Ș", 1, None], '["Ș", 1, null]'),
    ("a value JSON has not, as Python shows it", {"n": b"\xff"}, '{"n": "b\'\\\\xff\'"}'),
    ("both", {"n": b"x", "notes": "\udfff"}, '{"n": "b\'x\'", "notes": "\\udfff"}'),
]  # fmt: skip


@pytest.mark.parametrize(("data", "text"), [pytest.param(d, t, id=n) for n, d, t in TEXTS])
def test_a_refused_record_is_kept_as_text_that_can_be_stored(data: Any, text: str) -> None:
    kept = record_text(data)
    assert kept == text
    kept.encode("utf-8")  # storable: no lone surrogate left


@pytest.mark.parametrize(
    ("kind", "listed"), [("malformed", True), ("content", True), (GAP, False), (FORK, False)]
)
def test_a_refused_record_is_listed_a_gap_or_fork_refuses_none(kind: str, listed: bool) -> None:
    problems: list[tuple[Any, ...]] = []
    result = IngestResult()
    refuse(problems, result, "alpha-1", kind, "a\ud800", "key", "why", "{}", missing="m")
    assert problems == [("alpha-1", kind, "a\\ud800", "m", "key", "why", "{}")]
    expected = [{"id": "a\\ud800", "kind": kind, "detail": "why"}]
    assert result.rejected == (expected if listed else [])
