"""The bound on the other core: `relaxed_bound` in a process of its own while the plan is searched.

A large operation's bound needs no plan, and the planner's search uses one core: on a machine
with two, the bound runs beside the search for (nearly) the whole time limit instead of taking
a share of it first. The process is a fresh interpreter running this module (the app runs
threads, which a fork would copy half-way; and nothing of the caller's main script runs again):
it reads the problem and the time on stdin and writes each stage's bound on stdout. It is ended
when the lead stops the search or its answer is late. Without a second core, or when it cannot
start, the caller computes the bound itself.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time as walltime
from dataclasses import replace
from typing import IO

from fieldkit.plan.operation_bound import relaxed_bound
from fieldkit.plan.problem import PlanProblem, SolverSettings

#: The bound's process has this share of the time limit, starting it included (~1 s).
ASIDE_SHARE = 0.95
#: How long past the time limit the last answer may come before the process is ended.
GRACE_SECONDS = 2.0
#: Below this time limit the bound is computed in the caller's process: starting another
#: interpreter would take too much of it.
ASIDE_MIN_SECONDS = 5.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _read_answers(out: IO[bytes], answers: queue.Queue[tuple[bool, float] | None]) -> None:
    """The child's lines, `more <bound>` and at last `last <bound>`, into `answers`."""
    for line in out:
        word, _, number = line.decode("ascii", "replace").partition(" ")
        try:
            answers.put((word == "last", float(number)))
        except ValueError:
            break
    answers.put(None)


class BoundAside:
    """A bound being computed in another process; `result` takes it."""

    def __init__(self, process: subprocess.Popen[bytes], due: float) -> None:
        self.process = process
        self.due = due
        self.best: float | None = None
        self.finished = False  # the last answer came, or the process ended
        self.answers: queue.Queue[tuple[bool, float] | None] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(
            target=_read_answers, args=(process.stdout, self.answers), daemon=True
        ).start()

    @classmethod
    def start(cls, problem: PlanProblem, settings: SolverSettings) -> BoundAside | None:
        """The bound started on another core, or None (one core, or it would not start)."""
        if _cores() < 2 or settings.time_limit < ASIDE_MIN_SECONDS:
            return None
        bare = replace(problem, hint=None)
        quiet = replace(settings, progress=None, stop=None)
        deadline = walltime.monotonic() + settings.time_limit * ASIDE_SHARE
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "fieldkit.plan.bound_aside"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        try:
            assert process.stdin is not None
            process.stdin.write(pickle.dumps((bare, quiet, deadline)))
            process.stdin.close()
        except OSError:  # it ended at once: no bound from it
            process.kill()
            process.wait()
            return None
        return cls(process, walltime.monotonic() + settings.time_limit + GRACE_SECONDS)

    def result(self, wait: bool = True) -> float | None:
        """The last bound, waiting for it until it is due (or, not waiting, the best one sent so
        far); None when none came (the process failed, is late or was not waited for)."""
        try:
            return self._take(wait)
        finally:
            self.end()

    def peek(self) -> float | None:
        """The best bound sent so far, without waiting; the process goes on."""
        return self._take(wait=False)

    def _take(self, wait: bool) -> float | None:
        """Read the answers that came (waiting for the last one until it is due, if `wait`)."""
        while not self.finished:
            timeout = max(0.0, self.due - walltime.monotonic())
            try:
                answer = self.answers.get(wait, timeout)
            except queue.Empty:
                return self.best
            if answer is None:
                self.finished = True
                break
            last, bound = answer
            self.best = bound if self.best is None else min(self.best, bound)
            self.finished = last
        return self.best

    def end(self) -> None:
        """End the process (a stopped search needs no better bound)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def main() -> None:
    """The child: read (problem, settings, deadline), write each stage's bound, then the last
    (the clock is the system's monotonic one, the parent's too)."""
    problem, settings, deadline = pickle.load(sys.stdin.buffer)
    settings = settings.within(max(0.0, deadline - walltime.monotonic()))

    def say(word: str, bound: float) -> None:
        sys.stdout.write(f"{word} {bound!r}\n")
        sys.stdout.flush()

    say("last", relaxed_bound(problem, settings, found=lambda bound: say("more", bound)))


if __name__ == "__main__":
    main()
