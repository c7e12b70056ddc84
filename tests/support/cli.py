"""The fieldkit command as a user runs it: through its entry point in a process of its own, or
in this process where exit code and output are all a test needs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from click.testing import CliRunner

from fieldkit.cli import main
from tests.support.paths import ROOT

#: `python -m fieldkit`: the entry point a user runs, for tests that start it themselves
#: (a server in the background, the app in a terminal).
ENTRY = (sys.executable, "-m", "fieldkit")
GiB = 1024**3
#: A wide terminal for `env=`, so no line of a table wraps.
WIDE = {"COLUMNS": "250"}

Done = subprocess.CompletedProcess[str]


def command(*args: str | Path) -> list[str]:
    """The argument list that runs `fieldkit ARGS` through the entry point."""
    return [*ENTRY, *map(str, args)]


def fieldkit(
    *args: str | Path,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
    max_memory: int | None = None,
) -> Done:
    """`python -m fieldkit ARGS` in a subprocess: its exit code, stdout and stderr as text.

    `env` is added to this process's environment; this checkout's code comes first on the path
    whatever the folder it runs in. `max_memory` caps its address space (bytes), so a bomb
    that is not refused ends in a MemoryError rather than eating the machine.
    """
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return subprocess.run(
        command(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        preexec_fn=None if max_memory is None else memory_cap(max_memory),
    )


def fieldkit_ok(
    *args: str | Path,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
) -> Done:
    """`fieldkit(ARGS)` that must exit 0 without a traceback."""
    done = fieldkit(*args, cwd=cwd, env=env, timeout=timeout)
    assert done.returncode == 0, f"fieldkit {' '.join(map(str, args))}:\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


def invoke(*args: str | Path, env: Mapping[str, str] | None = None) -> Done:
    """`fieldkit ARGS` in this process through the entry point's `main`, its streams caught by
    click's CliRunner: the same exit code, stdout and stderr, without starting Python again."""
    argv = [str(a) for a in args]
    with CliRunner().isolation(env=env) as (out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(argv, code, _text(out.getvalue()), _text(err.getvalue()))


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def memory_cap(limit: int) -> Callable[[], None]:
    """A `preexec_fn` that caps a child process's address space at `limit` bytes."""

    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap
