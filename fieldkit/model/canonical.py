"""The canonical form: JSON bytes that are always the same for the same data, code sets in
order and people groups merged."""

from __future__ import annotations

import json
from typing import Any

from fieldkit.model.people import PeopleGroup


def _code_set(codes: Any) -> tuple[str, ...]:
    """Codes as a set in canonical order: sorted, each once."""
    if type(codes) is tuple and (not codes or (len(codes) == 1 and type(codes[0]) is str)):
        return codes  # already a set in order
    return tuple(sorted(set(codes)))


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8, no NaN: the same data always gives the same bytes."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _merge_people(groups: Any) -> tuple[PeopleGroup, ...]:
    if groups == ():
        return ()
    if len(groups) == 1:  # one group: nothing to merge
        (g,) = groups
        if type(g) is PeopleGroup and type(g.count) is int and g.count >= 0:
            return (g,) if g.count > 0 else ()
    counts: dict[tuple[str, str, str], int] = {}
    for g in groups:
        if not isinstance(g, PeopleGroup):
            raise TypeError(f"people must be PeopleGroup, not {type(g).__name__}")
        if g.count < 0:
            raise ValueError(f"a people count cannot be negative ({g})")
        key = (g.gender, g.age_band, g.nationality)
        counts[key] = counts.get(key, 0) + g.count
    return tuple(PeopleGroup(*key, n) for key, n in sorted(counts.items()) if n > 0)
