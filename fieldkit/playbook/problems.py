"""A located problem in a playbook (FILE:LINE:COL: message) and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkit.errors import UserError, quote
from fieldkit.i18n import _


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a playbook, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PlaybookError(UserError):
    """A playbook that cannot be used; holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shown(value: Any) -> str:
    """A value as a message quotes it: text in quotes, nothing as `nothing`."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return str(value)
