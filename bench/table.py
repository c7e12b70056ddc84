"""The benches' one table: rows of measure, result, load and ratio or target, their widths and
the load average line, and the arguments and temporary folder every bench starts with."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path


def load() -> str:
    """The machine's load average over the last minute, as the load column shows it."""
    return f"{os.getloadavg()[0]:.1f}"


def load_line(when: str = "at the end") -> str:
    """The load average (1, 5, 15 min) and the cores, the line a bench's figures are read by."""
    figures = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"load average (1, 5, 15 min) {when}: {figures} on {os.cpu_count()} cores"


def say(text: str) -> None:
    """A progress line on stderr with the clock time (a run cut short keeps what it said)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def render(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    right: Iterable[int] = (),
    rule: bool = False,
) -> str:
    """The rows under `head`, each column as wide as its widest cell, the columns in `right`
    aligned right, the last column never padded; with `rule`, a line of dashes under the head."""
    body = [list(head), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in body) for i in range(len(head))]
    to_right = set(right)
    last = len(head) - 1

    def line(cells: Sequence[str]) -> str:
        out = [
            cell if i == last else cell.rjust(w) if i in to_right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    lines = [line(body[0])]
    if rule:
        lines.append("  ".join("-" * w for w in widths))
    lines.extend(line(r) for r in body[1:])
    return "\n".join(lines)


class Table(list[tuple[str, ...]]):
    """A bench's rows; each row is given the load average when it is added, as the column
    before its last (ratio or target), and with `echo` is also written to stderr at once."""

    def __init__(self, head: Sequence[str], right: Iterable[int] = (), echo: bool = False) -> None:
        super().__init__()
        self.head = (*head[:-1], "load", head[-1])
        self.right = {*(i if i < len(head) - 1 else i + 1 for i in right), len(head) - 1}
        self.echo = echo

    def append(self, row: Sequence[str]) -> None:  # type: ignore[override]
        cells = (*row[:-1], load(), row[-1])
        if len(cells) != len(self.head):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(self.head) - 1}")
        if self.echo:
            say("  ".join(cells))
        super().append(cells)

    def add(self, *cells: str) -> None:
        self.append(cells)

    def extend(self, rows: Iterable[Sequence[str]]) -> None:  # type: ignore[override]
        for row in rows:
            self.append(row)

    def render(self) -> str:
        return render(self.head, self, self.right)

    def print(self, when: str = "at the end") -> None:
        """The table on stdout, then the load average line."""
        print(self.render())
        print(load_line(when))


def arguments(
    doc: str | None, argv: Sequence[str] | None = None, **options: object
) -> argparse.Namespace:
    """The bench's arguments: `--NAME` for each option (its default's type), and `--dir`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    for name, default in options.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=type(default), default=default)
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="Where to write (default: a temporary folder on the local disk).",
    )
    return parser.parse_args(argv)


@contextlib.contextmanager
def workdir(parent: Path | None) -> Iterator[Path]:
    """A temporary folder under `parent` (the system's if None), removed afterwards."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent) as tmp:
        yield Path(tmp)
