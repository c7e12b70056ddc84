"""Dates as the screens show them: English as before, Romanian with its own day and month names."""

from __future__ import annotations

from datetime import date, datetime

from fieldkit.i18n import language

FULL_TIME = ("%a %d %b %Y %H:%M", "EEE d MMM y HH:mm")
"""A moment with its date: "Mon 25 Sep 2023 10:20" / "lun. 25 sept. 2023 10:20"."""


def shown_day(day: date, english: str, romanian: str) -> str:
    """`day` by the strftime pattern `english`, or in Romanian by the CLDR pattern `romanian`
    ("%a %d" / "EEE d": "Mon 25" / "lun. 25")."""
    if language() != "ro":
        return format(day, english)
    from babel.dates import format_date

    return format_date(day, romanian, locale="ro")


def shown_time(moment: datetime, english: str, romanian: str) -> str:
    """`moment` by the strftime pattern `english`, or in Romanian by the CLDR pattern `romanian`
    ("%a %d %b %Y %H:%M" / "EEE d MMM y HH:mm": "Mon 25 Sep 2023 10:20" / "lun. 25 sept. 2023
    10:20")."""
    if language() != "ro":
        return format(moment, english)
    from babel.dates import format_datetime

    return format_datetime(moment, romanian, locale="ro")
