"""The values a playbook writes: clock times, durations, [lat, lon], days, ids and codes."""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from fieldkit.errors import quote
from fieldkit.i18n import LANGUAGES, _
from fieldkit.playbook.problems import shown

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:min|m)?)?\s*$")


@cache
def zones() -> frozenset[str]:
    return frozenset(available_timezones())


def error_at(key: str, message: str) -> PydanticCustomError:
    """A whole-model error that is about one of its keys (so it is located at that key)."""
    return PydanticCustomError("value_error", message, {"at": key})


def _clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    if value is None:
        raise ValueError(_('no time given; write "HH:MM", e.g. "19:30"'))
    if not isinstance(value, str):
        raise ValueError(
            _('a time of day is written "HH:MM" (e.g. "19:30"), not {got}').format(got=shown(value))
        )
    m = _CLOCK.match(value.strip())
    if not m:
        raise ValueError(
            _('{got} is not a time of day; write "HH:MM", e.g. "19:30"').format(got=quote(value))
        )
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(_("{got} is not a time of day (00:00 to 23:59)").format(got=quote(value)))
    return time(hour, minute)


def _minutes(value: Any) -> int:
    if value is None:
        raise ValueError(_('no duration given; write 90, "90m" or "1h30"'))
    if isinstance(value, bool):
        raise ValueError(_not_a_duration(value))
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str) and (m := _DURATION.match(value)) and (m.group(1) or m.group(2)):
        minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    else:
        raise ValueError(_not_a_duration(value))
    if not 1 <= minutes <= 24 * 60:
        raise ValueError(
            _("must be between 1 minute and 24 hours, not {minutes} minutes").format(
                minutes=minutes
            )
        )
    return minutes


def _not_a_duration(value: Any) -> str:
    return _('{got} is not a duration; write 90, "90m" or "1h30"').format(got=shown(value))


def _latlon(value: Any) -> tuple[float, float]:
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(
            _("a location is [latitude, longitude] in degrees, e.g. [51.6252, -0.1517]")
        )
    try:
        lat, lon = float(value[0]), float(value[1])
    except OverflowError:
        raise ValueError(_("a location's degrees are far too large")) from None
    if not -90 <= lat <= 90:
        raise ValueError(
            _("latitude {lat} is outside -90..90 (is it [latitude, longitude]?)").format(lat=lat)
        )
    if not -180 <= lon <= 180:
        raise ValueError(_("longitude {lon} is outside -180..180").format(lon=lon))
    return lat, lon


def _weekday(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(
            _("a day is one of {days}, not {got}").format(
                days=", ".join(WEEKDAYS), got=shown(value)
            )
        )
    day = value.strip().lower()[:3]
    if day not in WEEKDAYS or not value.strip().lower().startswith(day):
        raise ValueError(
            _("{got} is not a day; use one of {days}").format(
                got=quote(value), days=", ".join(WEEKDAYS)
            )
        )
    return day


def _language(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        raise ValueError(
            _("{got} is not a language the kit knows; use one of {languages}").format(
                got=shown(value), languages=", ".join(LANGUAGES)
            )
        )
    return value.strip().lower()


Clock = Annotated[
    time,
    BeforeValidator(_clock),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$", "examples": ["19:30"]}
    ),
]
Minutes = Annotated[
    int,
    BeforeValidator(_minutes),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 1440},
                {"type": "string", "pattern": r"^\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*$|^\d+h\d+$"},
            ],
            "description": 'minutes (90) or hours and minutes ("1h30")',
        }
    ),
]
LatLon = Annotated[
    tuple[float, float],
    BeforeValidator(_latlon),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "[latitude, longitude] in degrees (WGS84)",
        }
    ),
]
Weekday = Annotated[
    str,
    BeforeValidator(_weekday),
    WithJsonSchema({"type": "string", "enum": list(WEEKDAYS)}),
]
Language = Annotated[
    str,
    BeforeValidator(_language),
    WithJsonSchema({"type": "string", "enum": list(LANGUAGES)}),
]
Ident = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64),
]
CodeRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
