"""The demo's steps in order, and how a caller is told of each (the command draws it with Rich)."""

from __future__ import annotations

from typing import Protocol

STEPS: tuple[tuple[str, str], ...] = (
    ("plan", "Plan the week (CP-SAT)"),
    ("central", "Central store, one credential per device"),
    ("enrol", "Enrol the devices"),
    ("simulate", "Log the week's engagements"),
    ("serve", "Start central on a loopback port"),
    ("http", "Sync over HTTP"),
    ("bundle", "Sync by bundle (carried by hand)"),
    ("follow-ups", "Follow the referrals up at central"),
    ("verify", "Verify chains and central"),
    ("map", "Hotspot map and exports"),
    ("report", "Report and summary"),
)


class StepProgress(Protocol):
    """Told as each step starts, moves on and ends (the command draws it with Rich)."""

    def step(self, name: str, done: int = 0, total: int | None = None, note: str = "") -> None: ...

    def done(self, name: str, note: str = "") -> None: ...


class QuietProgress:
    """Progress that shows nothing (for callers with no screen)."""

    def step(self, name: str, done: int = 0, total: int | None = None, note: str = "") -> None:
        pass

    def done(self, name: str, note: str = "") -> None:
        pass
