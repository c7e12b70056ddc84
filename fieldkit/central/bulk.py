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
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while the block (or decorated call) runs."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
