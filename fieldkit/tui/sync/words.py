"""Sync facts in the officer's words: times, counts and errors as short plain text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

STATES = ("pending", "sent", "acknowledged")


def moment(iso: str | None, never: str = "never") -> str:
    """An ISO time from the sync store as 'Mon 25 Sep 2023 17:30 UTC'."""
    if not iso:
        return never
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return f"{when.astimezone(UTC):%a %d %b %Y %H:%M} UTC"


def counts_line(counts: dict[str, int]) -> str:
    """'Pending 3 · Sent 0 · Acknowledged 12' (every state, zero if none)."""
    return " · ".join(f"{state.capitalize()} {counts.get(state, 0):,}" for state in STATES)


def plain_error(message: str, root: Path) -> str:
    """An error's text without the command-line prefix and with no local paths in it."""
    lines = [line.removeprefix("fieldkit: ") for line in message.splitlines()]
    text = "\n".join(lines).replace(str(root), "this workspace")
    return text[:1].upper() + text[1:]


def push_line(done: int, total: int) -> str:
    if total == 0:
        return "Nothing new to send; asking central what is acknowledged…"
    return f"Sending records to central: {done:,} of {total:,}…"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
