"""Small counts hidden so that no hidden count can be worked out from the published ones.

A share publishes counts and sums of them (a total is the sum of its parts). Every count from 1
to SUPPRESS_UNDER - 1 is hidden; then, while a hidden count can still be worked out from the
published counts by adding and subtracting the sums (any combination of them, found by linear
algebra), one more count of a sum holding it is hidden: the smallest that stops it, parts before
totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Counts under this are suppressed in a partner share (small numbers can identify people).
SUPPRESS_UNDER = 5

#: A published count: (table, category).
Cell = tuple[str, str]


@dataclass(frozen=True)
class Sum:
    """A published total and the published parts it is the sum of."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def members(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


def determined(hidden: Sequence[Cell], sums: Sequence[Sum], cell: Cell) -> bool:
    """Whether the hidden `cell` follows from the published counts and the sums."""
    index = {c: i for i, c in enumerate(hidden)}
    rows = []
    for s in sums:
        row = np.zeros(len(hidden))
        for c in s.parts:
            if c in index:
                row[index[c]] += 1
        if s.total in index:
            row[index[s.total]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return False
    a = np.array(rows)
    unit = np.zeros(len(hidden))
    unit[index[cell]] = 1
    return bool(np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a))


def _one_more(
    counts: Mapping[Cell, int], hidden: set[Cell], sums: Sequence[Sum], found: Cell
) -> Cell | None:
    """The count to hide next so that `found` can no longer be worked out: among the shown
    counts of the sums holding it, the smallest whose hiding does it (parts above 0 first,
    then totals, then zeros); else the smallest of them."""
    near = {c for s in sums if found in s.members for c in s.members if c not in hidden}
    near &= set(counts) | {c for s in sums for c in s.parts if c in counts}
    totals = {s.total for s in sums}

    def rank(c: Cell) -> tuple[int, int, Cell]:
        kind = 0 if counts.get(c, 0) > 0 and c not in totals else 1 if counts.get(c, 0) else 2
        return (kind, counts.get(c, 0), c)

    order = sorted(near, key=rank)
    for c in order:
        trial = sorted(hidden | {c})
        if not determined(trial, sums, found):
            return c
    return order[0] if order else None


def suppress(counts: Mapping[Cell, int], sums: Sequence[Sum]) -> set[Cell]:
    """The counts to hide (see the module docstring)."""
    hidden = {c for c, n in counts.items() if 0 < n < SUPPRESS_UNDER}
    while True:
        order = sorted(hidden)
        stuck = [c for c in order if determined(order, sums, c)]
        if not stuck:
            return hidden
        pick = next(
            (p for c in stuck if (p := _one_more(counts, hidden, sums, c)) is not None), None
        )
        if pick is None:  # every count around them is hidden: hide the smallest one left
            shown = {c for s in sums for c in s.members if c in counts and c not in hidden}
            if not shown:
                return hidden
            pick = min(shown, key=lambda c: (counts[c], c))
        hidden.add(pick)
