"""Progress of a solve as it runs (the best objective and bound so far), and stopping it early."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SolveProgress:
    objective: float
    bound: float
    seconds: float
    solutions: int


ProgressCallback = Callable[[SolveProgress], None]


class _Stoppable(Protocol):
    def stop_search(self) -> None: ...


class StopSwitch:
    """The lead's "stop now and keep the best plan so far": pressed from another thread, it
    stops the search running and every search after it."""

    def __init__(self) -> None:
        self._pressed = threading.Event()
        self._guard = threading.Lock()
        self._running: list[_Stoppable] = []

    @property
    def stopped(self) -> bool:
        """Whether the switch was pressed."""
        return self._pressed.is_set()

    def press(self) -> None:
        """Stop the search running now (it keeps its best plan) and any later one."""
        with self._guard:
            self._pressed.set()
            for search in self._running:
                search.stop_search()

    def watch(self, search: _Stoppable) -> None:
        """Stop `search` when the switch is pressed (or at once if it was)."""
        with self._guard:
            self._running.append(search)
        if self.stopped:
            search.stop_search()

    def forget(self, search: _Stoppable) -> None:
        """The search has ended."""
        with self._guard:
            if search in self._running:
                self._running.remove(search)
