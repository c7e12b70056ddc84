"""Bulk work without the cyclic garbage collector's pauses.

An ingest builds tens of thousands of small dicts and tuples; each few hundred new objects
trigger a collection that walks the growing heap, which costs about a third of a bundle
import's time. The records hold no reference cycles, so collecting during the import frees
nothing: the collector is paused for the call and resumes afterwards (nested and concurrent
calls are counted, and it resumes only if it was running before the first).
"""

from __future__ import annotations

import gc
import threading
from contextlib import ContextDecorator
from typing import Any

_lock = threading.Lock()
_depth = 0
_was_enabled = False


class paused_gc(ContextDecorator):  # noqa: N801 - used like a function: `with paused_gc():`
    """Pause the cyclic garbage collector while the block (or decorated call) runs."""

    def __enter__(self) -> paused_gc:
        global _depth, _was_enabled
        with _lock:
            if _depth == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
