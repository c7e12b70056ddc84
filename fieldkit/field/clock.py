"""A hybrid logical clock: stamps that order a device's records even when its clock jumps."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

_STAMP = re.compile(r"^(\d{15})-(\d{5})$")


@dataclass(frozen=True, order=True)
class Stamp:
    """(physical milliseconds, logical counter); as text '000001695578400000-00000' sorts right."""

    ms: int
    counter: int

    def __str__(self) -> str:
        return f"{self.ms:015d}-{self.counter:05d}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        m = _STAMP.match(text or "")
        if not m:
            raise ValueError(f"{text!r} is not a clock stamp (MS-COUNTER, 15 and 5 digits)")
        return cls(int(m.group(1)), int(m.group(2)))


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Kulkarni et al.'s HLC: never goes backwards, stays close to the wall clock."""

    def __init__(self, last: Stamp | None = None, wall: Callable[[], int] = wall_ms) -> None:
        self._last = last or Stamp(0, 0)
        self.wall = wall

    @property
    def last(self) -> Stamp:
        return self._last

    def peek(self) -> Stamp:
        """The stamp now() would give, without taking it (to commit it only on success)."""
        physical = self.wall()
        if physical > self._last.ms:
            return Stamp(physical, 0)
        return Stamp(self._last.ms, self._last.counter + 1)

    def now(self) -> Stamp:
        self._last = self.peek()
        return self._last

    def advance(self, stamp: Stamp) -> None:
        """Move past a stamp that was taken (e.g. one read back from the store)."""
        if stamp > self._last:
            self._last = stamp

    def receive(self, remote: Stamp) -> Stamp:
        """Merge a stamp seen from elsewhere (e.g. central's), as the HLC paper's recv."""
        physical = self.wall()
        ms = max(self._last.ms, remote.ms, physical)
        if ms == self._last.ms == remote.ms:
            counter = max(self._last.counter, remote.counter) + 1
        elif ms == self._last.ms:
            counter = self._last.counter + 1
        elif ms == remote.ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._last = Stamp(ms, counter)
        return self._last
