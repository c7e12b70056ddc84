"""A big bundle's checks on both cores: a worker checks part of it while central stores the rest.

Reading a record's shape, its form rules, its hash and its content rules is most of a bundle
import's work, and each record's verdict depends on that record alone (and, for content, on
the device's context). With more than one core and a bundle of PARALLEL_MIN records or more,
a worker process forked for the call checks the records after the first HERE_SHARE of them,
while this process checks that first share and starts storing it; the worker's verdicts come
back a chunk at a time, each stored as it comes. The worker sends back each
record's verdict - its signed body, its Reading (problems.py) and the content rules' reasons,
or its fault - never a record to be read again. The verdicts are those `form_verdict` gives
here, in the records' order; the content reasons are used only if the device's context read
in the ingest's transaction is the one the worker checked against.

The worker is forked, so it starts at once with the records in hand (nothing is sent to it);
it is used only when this process runs no other thread (a fork copies one thread, and the
locks others may hold). If the worker fails, its records are checked here: none is lost.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from fieldkit.central.content import CONTENT_RULES
from fieldkit.central.form_check import FormFault, form_verdict
from fieldkit.central.problems import Checked, Reading
from fieldkit.central.rules import Context, broken

#: Fewer records than this are checked in this process: forking costs more than it saves.
PARALLEL_MIN = 1000
#: The share of a big batch checked here: this process then stores it, and each chunk of
#: the rest as the worker sends it, so the worker is given more.
HERE_SHARE = 0.35
#: The worker sends its verdicts in chunks: a quarter of its records each, at most CHUNK.
CHUNK = 2000

#: What the worker sends back per record: its fault, or (signed body, Reading, content reasons).
Sent = FormFault | tuple[str, Reading | None, tuple[str, ...] | None]


@dataclass
class Part:
    """The form verdicts of a batch's records from `start` on, in order. `ahead` is the context
    the Checked ones' content was checked against (their `content`), None if it was not."""

    start: int
    verdicts: list[Checked | FormFault]
    ahead: Context | None = None


def checked_parts(
    records: list[Any], lines: list[bytes] | None, ahead: Callable[[], Context] | None = None
) -> Generator[Part, None, None]:
    """`form_verdict` of every record (with its line, when given), in Parts in order: one, or
    for a big batch this process's share and then the worker's, a chunk at a time as it sends
    them (their content checked against `ahead()`, if given)."""
    if lines is None or len(records) < PARALLEL_MIN or not _may_fork():
        yield Part(0, _here(records, lines or [None] * len(records)))
        return
    split = int(len(records) * HERE_SHARE)
    context = None if ahead is None else ahead()
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    chunk = min(CHUNK, max(1, (len(records) - split) // 4))
    far = (records[split:], lines[split:], context, chunk, sender)
    worker = mp.Process(target=_worker, args=far)
    worker.start()
    sender.close()  # the worker's copy stays open: the end of it is the worker's end
    try:
        yield Part(0, _here(records[:split], lines[:split]))
        at = split
        while at < len(records):
            theirs = _answer(receiver, min(chunk, len(records) - at))
            if theirs is None:  # the worker failed: the rest is checked here
                yield Part(at, _here(records[at:], lines[at:]))
                break
            got = zip(records[at : at + len(theirs)], theirs, strict=True)
            yield Part(at, [_received(data, sent) for data, sent in got], context)
            at += len(theirs)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()  # left before its answer was read: it may wait to send it
        worker.join()


def _here(records: list[Any], lines: list[bytes] | list[None]) -> list[Checked | FormFault]:
    return [form_verdict(data, line) for data, line in zip(records, lines, strict=True)]


def _answer(receiver: Connection, count: int) -> list[Sent] | None:
    """The worker's next `count` verdicts, or None if it died or failed before sending them."""
    try:
        theirs = receiver.recv()
    except (EOFError, OSError):
        return None
    return theirs if isinstance(theirs, list) and len(theirs) == count else None


def _worker(
    records: list[Any], lines: list[bytes], ctx: Context | None, chunk: int, sender: Connection
) -> None:
    """The worker: the verdicts of `records`, sent back `chunk` at a time; None if checking
    failed (the parent checks the rest, and says what went wrong). A thread writes what is
    ready while the next chunk is checked: the parent reads a chunk only once it has stored
    the one before."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is the parent's: it ends the worker
    ready: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    writer = threading.Thread(target=_write, args=(ready, sender))
    writer.start()
    try:
        for at in range(0, len(records), chunk):
            part = _here(records[at : at + chunk], lines[at : at + chunk])
            ready.put(pickle.dumps([_sent(v, ctx) for v in part], pickle.HIGHEST_PROTOCOL))
    except Exception:
        ready.put(pickle.dumps(None))
    ready.put(None)
    writer.join()
    sender.close()


def _write(ready: queue.SimpleQueue[bytes | None], sender: Connection) -> None:
    while (blob := ready.get()) is not None:
        sender.send_bytes(blob)


def _sent(verdict: Checked | FormFault, ctx: Context | None) -> Sent:
    if isinstance(verdict, FormFault):
        return verdict
    content = None if ctx is None else tuple(broken(CONTENT_RULES, verdict.data, ctx))
    return (verdict.body, verdict.reading, content)


def _received(data: Any, sent: Sent) -> Checked | FormFault:
    """The verdict rebuilt around this process's own copy of the record."""
    if isinstance(sent, FormFault):
        return sent
    body, reading, content = sent
    return Checked(data, data["id"], data["prev_hash"], data["hash"], body, reading, content)


def _may_fork() -> bool:
    """More than one core to use, and no other thread here (see the module docstring)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1 and threading.active_count() == 1
