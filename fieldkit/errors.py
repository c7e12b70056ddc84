"""Errors a user can cause: shown as a plain message and exit code 2, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage. The message is shown as it is; the command exits with 2."""

    exit_code = 2


class WorkspaceError(UserError):
    """No workspace here, or a workspace that is not whole."""


#: The most characters of someone's input a message quotes back.
QUOTE_LIMIT = 200


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as a message quotes it: in double quotes, at most `limit` characters of it (then
    "..." and its length), control characters and lone surrogates escaped: one hostile value
    can neither flood a message nor break its line."""
    text = value if isinstance(value, str) else str(value)
    shown = _printable(text[:limit])
    if len(text) <= limit and len(shown) <= limit:
        return f'"{shown}"'
    return f'"{shown[:limit]}..." ({len(text):,} characters)'


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A message from elsewhere that may hold someone's input, cut like `quote` cuts (unquoted)."""
    shown = _printable(text[:limit])
    if len(text) <= limit and len(shown) <= limit:
        return shown
    return f"{shown[:limit]}... ({len(text):,} characters)"


def _printable(text: str) -> str:
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
