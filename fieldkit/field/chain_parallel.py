"""Work on a store's rows spread over every core, the answers kept in the rows' order."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

#: Records a worker checks at a time: large enough that sending them costs little.
CHUNK = 2000
#: Below this many records a pool costs more to start than it saves: checked in process.
PARALLEL_FROM = 5000

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` a list of `size` at a time (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def in_order(
    work: Callable[[list[T]], list[R]], items: Iterable[T], workers: int, size: int = 0
) -> Iterator[R]:
    """`work` done on chunks of `items` by `workers` processes, its answers yielded in the
    items' order; only a few chunks are in flight at once, so a large store is never held in
    memory whole. `work` must be picklable (a module's function or a partial of one)."""
    from concurrent.futures import ProcessPoolExecutor  # loaded when a pool is wanted

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[R]]] = deque()
        for chunk in chunks(items, size or CHUNK):
            pending.append(pool.submit(work, chunk))
            if len(pending) > 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
