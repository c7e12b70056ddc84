"""A big bundle's checks on both cores: a worker checks part of it while central stores the rest.

Reading a record's shape, its form rules, its hash and its content rules is most of a bundle
import's work, and each record's verdict depends on that record alone (and, for content, on
the device's context). With more than one core and a bundle of PARALLEL_MIN records or more,
a worker process forked for the call checks the records after the first HERE_SHARE of them,
while this process checks that first share and starts storing it. The worker sends back each
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
PARALLEL_MIN = 2000
#: The share of a big batch checked here: this process then stores it while the worker
#: checks the rest, so the worker is given more.
HERE_SHARE = 0.45

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
    """`form_verdict` of every record (with its line, when given): one Part, or for a big
    batch two, the second from the worker (its content checked against `ahead()`, if given)."""
    if lines is None or len(records) < PARALLEL_MIN or not _may_fork():
        yield Part(0, _here(records, lines or [None] * len(records)))
        return
    split = int(len(records) * HERE_SHARE)
    context = None if ahead is None else ahead()
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    worker = mp.Process(target=_worker, args=(records[split:], lines[split:], context, sender))
    worker.start()
    sender.close()  # the worker's copy stays open: the end of it is the worker's end
    try:
        yield Part(0, _here(records[:split], lines[:split]))
        theirs = _answer(receiver, len(records) - split)
        if theirs is None:
            yield Part(split, _here(records[split:], lines[split:]))
        else:
            got = zip(records[split:], theirs, strict=True)
            yield Part(split, [_received(data, sent) for data, sent in got], context)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()  # left before its answer was read: it may wait to send it
        worker.join()


def form_verdicts(records: list[Any], lines: list[bytes] | None) -> list[Checked | FormFault]:
    """Every record's verdict, in order, in one list (the parts joined)."""
    return [v for part in checked_parts(records, lines) for v in part.verdicts]


def _here(records: list[Any], lines: list[bytes] | list[None]) -> list[Checked | FormFault]:
    return [form_verdict(data, line) for data, line in zip(records, lines, strict=True)]


def _answer(receiver: Connection, count: int) -> list[Sent] | None:
    """The worker's verdicts, or None if it died or failed before it sent them all."""
    try:
        theirs = receiver.recv()
    except (EOFError, OSError):
        return None
    return theirs if isinstance(theirs, list) and len(theirs) == count else None


def _worker(
    records: list[Any], lines: list[bytes], ctx: Context | None, sender: Connection
) -> None:
    """The worker: the verdicts of `records`, sent back whole, or None if checking failed."""
    try:
        sent: list[Sent] | None = [_sent(v, ctx) for v in _here(records, lines)]
    except Exception:  # checked again in the parent, which says what went wrong
        sent = None
    sender.send(sent)
    sender.close()


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
