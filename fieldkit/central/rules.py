"""The rules' common ground: the context a record is checked in, and quoting what it holds.

A rule is a function `(record, context) -> reason | None` (form.py, content.py). Values quoted
in a reason are JSON-escaped ASCII, cut to QUOTE_MAX characters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

QUOTE_MAX = 80


@dataclass(frozen=True)
class Context:
    """Who the device's credential names, and what central knows of its operation's plan.

    `codes` maps a code list's name to its codes. `visits`, `venues` and `members` are None
    when no plan of the operation (or, for members, of the team) has been published.
    """

    operation: str
    team: str
    officer: str
    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    visits: frozenset[str] | None = None
    venues: frozenset[str] | None = None
    members: frozenset[str] | None = None
    #: member id -> agency (partner code), for the referral rules; None with no plan.
    agencies: Mapping[str, str] | None = field(default=None, compare=False)


Rule = Callable[[dict[str, Any], Context], "str | None"]


def quote(value: Any) -> str:
    """`value` as JSON in ASCII, at most QUOTE_MAX characters: safe in any message or store."""
    text = json.dumps(value, ensure_ascii=True, default=repr)
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 3] + "..."


def broken(rules: tuple[Rule, ...], data: dict[str, Any], ctx: Context) -> list[str]:
    """The reasons of every rule in `rules` that `data` breaks, in order."""
    return [reason for rule in rules if (reason := rule(data, ctx)) is not None]


#: The context of the form rules, which need none.
NO_CONTEXT = Context(operation="", team="", officer="")
