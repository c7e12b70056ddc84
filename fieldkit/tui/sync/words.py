"""Sync facts in the officer's words: times, counts and errors as short plain text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldkit.i18n import N_, _, language

STATES = ("pending", "sent", "acknowledged")
STATE_NAMES = {"pending": N_("Pending"), "sent": N_("Sent"), "acknowledged": N_("Acknowledged")}
"""How each outbox state is named on screen."""


def moment(iso: str | None, never: str | None = None) -> str:
    """An ISO time from the sync store as 'Mon 25 Sep 2023 17:30 UTC' ('never' when none)."""
    if not iso:
        return _("never") if never is None else never
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if language() != "ro":
        return f"{when:%a %d %b %Y %H:%M} UTC"
    from babel.dates import format_datetime

    return f"{format_datetime(when, 'EEE d MMM y HH:mm', tzinfo=UTC, locale='ro')} UTC"


def counts_line(counts: dict[str, int]) -> str:
    """'Pending 3 · Sent 0 · Acknowledged 12' (every state, zero if none)."""
    return " · ".join(_(STATE_NAMES[state]) + f" {counts.get(state, 0):,}" for state in STATES)


def plain_error(message: str, root: Path) -> str:
    """An error's text without the command-line prefix and with no local paths in it."""
    lines = [line.removeprefix("fieldkit: ") for line in message.splitlines()]
    text = "\n".join(lines).replace(str(root), _("this workspace"))
    return text[:1].upper() + text[1:]


def push_line(done: int, total: int) -> str:
    if total == 0:
        return _("Nothing new to send; asking central what is acknowledged…")
    return _("Sending records to central: {done} of {total}…").format(
        done=f"{done:,}", total=f"{total:,}"
    )


def counted(form: str, n: int) -> str:
    """`n` things in words ('1 record', '3 records'): `form`, ngettext's choice for `n`,
    holds {count}."""
    return form.format(count=f"{n:,}")
