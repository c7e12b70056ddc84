"""Content rules: what an authentic record says, checked before central keeps it.

A signature proves which device made a record, not that what it says is sound. Two sets of
rules, each a function `(record, context) -> reason | None` (rules.py):

- FORM_RULES (form.py) make a record safe to name and to store at all (its ids, clock stamp
  and text); ingest runs them with the shape check, before hashing; a record failing one is
  `malformed`.
- CONTENT_RULES, here, check what an authentic record says against the device's credential
  and the operation's published plan (ranges, times, codes, who, which visit); a record
  failing one is refused as `content`.

Records reach the rules with the Engagement shape already checked (shape.py): every field has
its type. Values quoted in a reason are JSON-escaped ASCII, cut to QUOTE_MAX characters.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fieldkit.central.form import (
    FORM_RULES,
    LIST_MAX,
    PEOPLE_GROUPS_MAX,
    PLAIN_FORM_RULES,
    TEXT_LIMITS,
    TEXT_MAX,
    amends_id,
    chain_link,
    clock_stamp,
    is_uuid,
    record_id,
    shown_id,
    text_fields,
)
from fieldkit.central.rules import NO_CONTEXT, QUOTE_MAX, Context, Rule, broken, quote
from fieldkit.model import ACTIVITY, ENGAGEMENT_FORMAT

__all__ = [
    "CONTENT_RULES",
    "FORM_RULES",
    "LIST_MAX",
    "NO_CONTEXT",
    "PEOPLE_GROUPS_MAX",
    "PLAIN_FORM_RULES",
    "QUOTE_MAX",
    "TEXT_LIMITS",
    "TEXT_MAX",
    "Context",
    "Rule",
    "amends_id",
    "broken",
    "chain_link",
    "clock_stamp",
    "is_uuid",
    "quote",
    "record_id",
    "shown_id",
    "text_fields",
]

#: People in one group of an engagement; the device lets an officer type at most 1000.
PEOPLE_COUNT_MAX = 10_000
ACCURACY_MAX_M = 100_000
YEARS = (1900, 2999)

_ZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")
_NONE: frozenset[str] = frozenset()
_CODE_LISTS = (("partners", "partner"), ("indicators", "indicator"), ("outcomes", "outcome"))
_PEOPLE_CODES = (
    ("gender", "genders", "genders"),
    ("age_band", "age_bands", "age bands"),
    ("nationality", "nationalities", "nationalities"),
)


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or not YEARS[0] <= moment.year <= YEARS[1]:
        return None
    return moment


def times(data: dict[str, Any], ctx: Context) -> str | None:
    """`time` and `recorded_at` are ISO 8601 with a UTC offset, in sane years."""
    for name in ("time", "recorded_at"):
        if _moment(data[name]) is None:
            return (
                f"{name} {quote(data[name])} is not an ISO 8601 time with a UTC offset, "
                f"in the years {YEARS[0]} to {YEARS[1]}"
            )
    return None


@lru_cache(maxsize=256)
def known_zone(name: str) -> bool:
    """True for an IANA time zone name this system knows (e.g. Europe/London)."""
    if len(name) > 64 or not _ZONE.fullmatch(name) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        return False
    return True


def time_zone(data: dict[str, Any], ctx: Context) -> str | None:
    """The record's time zone is a known IANA name."""
    if known_zone(data["timezone"]):
        return None
    return f"timezone {quote(data['timezone'])} is not a known time zone"


def position(data: dict[str, Any], ctx: Context) -> str | None:
    """Latitude, longitude and accuracy are finite and in range; lat and lon come together."""
    lat, lon, accuracy = data.get("lat"), data.get("lon"), data.get("accuracy_m")
    if lat is not None and not -90 <= lat <= 90:  # NaN fails every comparison
        return f"lat {quote(lat)} is not a latitude (-90..90)"
    if lon is not None and not -180 <= lon <= 180:
        return f"lon {quote(lon)} is not a longitude (-180..180)"
    if accuracy is not None and not 0 <= accuracy <= ACCURACY_MAX_M:
        return f"accuracy_m {quote(accuracy)} is not between 0 and {ACCURACY_MAX_M} metres"
    if (lat is None) != (lon is None):
        return "lat and lon go together: one of them is missing"
    return _position_source(data)


def _position_source(data: dict[str, Any]) -> str | None:
    """A record that says where its position came from says it truly (gps or venue)."""
    source = data.get("position_source")
    if source is None:
        return None
    if source not in ("gps", "venue"):
        return f"position_source {quote(source)} is not gps or venue"
    if data.get("format") == ENGAGEMENT_FORMAT:
        return "position_source is not a field of format 1 records"
    if source == "gps" and data.get("lat") is None:
        return "position_source gps with no lat and lon"
    if source == "venue" and data.get("venue") is None:
        return "position_source venue with no venue"
    return None


def people_counts(data: dict[str, Any], ctx: Context) -> str | None:
    """Each group of people engaged is at most PEOPLE_COUNT_MAX."""
    for group in data.get("people") or ():
        if group["count"] > PEOPLE_COUNT_MAX:
            return f"a people count of {group['count']} is over {PEOPLE_COUNT_MAX}"
    return None


def operation(data: dict[str, Any], ctx: Context) -> str | None:
    """The record is for the operation the device's credential was issued for."""
    if data["operation"] == ctx.operation:
        return None
    return f"operation {quote(data['operation'])} is not this device's ({ctx.operation})"


def team(data: dict[str, Any], ctx: Context) -> str | None:
    """The record is for the device's team."""
    if data["team"] == ctx.team:
        return None
    return f"team {quote(data['team'])} is not this device's ({ctx.team})"


def officer(data: dict[str, Any], ctx: Context) -> str | None:
    """The officer is a member of the device's team (any member may log on a team's device);
    with no published plan of the team, the officer the credential names."""
    name = data["officer"]
    if name == ctx.officer or (ctx.members is not None and name in ctx.members):
        return None
    if ctx.members is not None:
        return f"officer {quote(name)} is not a member of team {ctx.team}"
    return f"officer {quote(name)} is not this device's officer ({ctx.officer})"


def _unknown(kind: str, value: str, listing: str, ctx: Context) -> str | None:
    if value in ctx.codes.get(listing, ()):
        return None
    return f"{kind} {quote(value)} is not one of the operation's {listing.replace('_', ' ')}"


def venue_type_code(data: dict[str, Any], ctx: Context) -> str | None:
    """The venue type is one of the operation's venue types (an activity away from any venue,
    a handover note say, has none)."""
    if data.get("kind") == ACTIVITY and data["venue_type"] == "":
        return None
    return _unknown("venue_type", data["venue_type"], "venue_types", ctx)


def language_code(data: dict[str, Any], ctx: Context) -> str | None:
    """The language used, if given, is one of the operation's languages."""
    language = data.get("language")
    return None if language is None else _unknown("language", language, "languages", ctx)


def listed_codes(data: dict[str, Any], ctx: Context) -> str | None:
    """Every partner, indicator and outcome is one of the operation's codes."""
    for name, kind in _CODE_LISTS:
        codes = data.get(name)
        if not codes or ctx.codes.get(name, _NONE).issuperset(codes):
            continue
        for code in codes:
            wrong = _unknown(kind, code, name, ctx)
            if wrong is not None:
                return wrong
    return None


def people_codes(data: dict[str, Any], ctx: Context) -> str | None:
    """Every group's gender, age band and nationality are the operation's codes."""
    for group in data.get("people") or ():
        for key, listing, words in _PEOPLE_CODES:
            if group[key] not in ctx.codes.get(listing, ()):
                return f"{key} {quote(group[key])} is not one of the operation's {words}"
    return None


_PERSON_CODES = (
    ("gender", "genders", "genders"),
    ("age_band", "age_bands", "age bands"),
    ("nationality", "nationalities", "nationalities"),
    ("consent", "consent", "consent codes"),
    ("route", "routes", "routes"),
    ("interpreter", "interpreters", "interpreter codes"),
)


def person_codes(data: dict[str, Any], ctx: Context) -> str | None:
    """Format 2: each person's codes and signs are the operation's; the referrer is of the
    team (when central knows its roster)."""
    for n, person in enumerate(data.get("persons") or (), start=1):
        for key, listing, words in _PERSON_CODES:
            if person[key] not in ctx.codes.get(listing, ()):
                return (
                    f"person {n}: {key} {quote(person[key])} is not one of the operation's {words}"
                )
        language = person["language"]
        if language is not None and language not in ctx.codes.get("languages", ()):
            return f"person {n}: language {quote(language)} is not one of the operation's languages"
        for sign in person["signs"]:
            if sign not in ctx.codes.get("indicators", ()):
                return f"person {n}: sign {quote(sign)} is not one of the operation's indicators"
        by = person["by"]
        if by is not None and ctx.members is not None and by not in ctx.members:
            return f"person {n}: by {quote(by)} is not a member of team {ctx.team}"
    return None


def planned_visit(data: dict[str, Any], ctx: Context) -> str | None:
    """The visit, if given, is one the operation's published plan holds (any version)."""
    visit = data.get("visit")
    if visit is None or ctx.visits is None or visit in ctx.visits:
        return None
    return f"visit {quote(visit)} is not in the operation's plan"


def planned_venue(data: dict[str, Any], ctx: Context) -> str | None:
    """The venue, if given, is one of the operation's published plan's venues."""
    venue = data.get("venue")
    if venue is None or ctx.venues is None or venue in ctx.venues:
        return None
    return f"venue {quote(venue)} is not in the operation's plan"


CONTENT_RULES: tuple[Rule, ...] = (
    position,
    times,
    time_zone,
    people_counts,
    operation,
    team,
    officer,
    venue_type_code,
    language_code,
    listed_codes,
    people_codes,
    person_codes,
    planned_visit,
    planned_venue,
)
