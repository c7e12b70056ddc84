"""The demo's steps in order, and how a caller is told of each (the command draws it with Rich)."""

from __future__ import annotations

from typing import Protocol

from fieldkit.i18n import N_

STEPS: tuple[tuple[str, str], ...] = (
    ("plan", N_("Plan the week (CP-SAT)")),
    ("central", N_("Central store, one credential per device")),
    ("enrol", N_("Enrol the devices")),
    ("simulate", N_("Log the week's engagements")),
    ("serve", N_("Start central on a loopback port")),
    ("http", N_("Sync over HTTP")),
    ("bundle", N_("Sync by bundle (carried by hand)")),
    ("follow-ups", N_("Follow the referrals up at central")),
    ("verify", N_("Verify chains and central")),
    ("map", N_("Hotspot map and exports")),
    ("report", N_("Report and summary")),
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
