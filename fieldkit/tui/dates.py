"""Dates as the screens show them: English as before, Romanian with its own day and month names."""

from __future__ import annotations

from datetime import date

from fieldkit.i18n import language


def shown_day(day: date, english: str, romanian: str) -> str:
    """`day` by the strftime pattern `english`, or in Romanian by the CLDR pattern `romanian`
    ("%a %d" / "EEE d": "Mon 25" / "lun. 25")."""
    if language() != "ro":
        return format(day, english)
    from babel.dates import format_date

    return format_date(day, romanian, locale="ro")
