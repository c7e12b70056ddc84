"""What a record says, checked before central keeps it: one small function per rule.

A signature proves which device made a record, not that what it says is sound. Two sets of
rules, each a function `(record, context) -> reason | None`:

- FORM_RULES make a record safe to name and to store at all (its ids, clock stamp and text);
  ingest runs them with the shape check, before hashing; a record failing one is `malformed`.
- CONTENT_RULES check what an authentic record says against the device's credential and the
  operation's published plan (ranges, times, codes, who, which visit); a record failing one
  is refused as `content`.

Records reach the rules with the Engagement shape already checked (shape.py): every field has
its type. Values quoted in a reason are JSON-escaped ASCII, cut to QUOTE_MAX characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fieldkit.model import ACTIVITY, ENGAGEMENT_FORMAT, NOTES_MAX, REFERRAL_REF_MAX

#: The longest text each field may hold, in characters; any other text field: TEXT_MAX.
TEXT_LIMITS = {"notes": NOTES_MAX, "referral_ref": REFERRAL_REF_MAX}
TEXT_MAX = 200
_SHORTEST = min(*TEXT_LIMITS.values(), TEXT_MAX)
#: The fields held to less than TEXT_MAX.
_TIGHT = {name: limit for name, limit in TEXT_LIMITS.items() if limit < TEXT_MAX}
#: Items in a list of codes, and groups in `people`.
LIST_MAX = 100
PEOPLE_GROUPS_MAX = 500
#: People in one group of an engagement; the device lets an officer type at most 1000.
PEOPLE_COUNT_MAX = 10_000
ACCURACY_MAX_M = 100_000
YEARS = (1900, 2999)
QUOTE_MAX = 80

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_STAMP = re.compile(r"[0-9]{15}-[0-9]{5}")
_ZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")
_NONE: frozenset[str] = frozenset()
#: Format 2's sealed text places (digests) and the texts beside them: not checked as text here.
_SEALED = frozenset({"notes", "referral_ref", "texts"})
_CODE_LISTS = (("partners", "partner"), ("indicators", "indicator"), ("outcomes", "outcome"))
_PEOPLE_CODES = (
    ("gender", "genders", "genders"),
    ("age_band", "age_bands", "age bands"),
    ("nationality", "nationalities", "nationalities"),
)


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


def shown_id(value: Any) -> str | None:
    """A record's id as it may be shown and stored: None unless text; JSON-escaped and cut to
    TEXT_MAX characters unless it is short UTF-8 text."""
    if not isinstance(value, str):
        return None
    if len(value) <= TEXT_MAX and _utf8(value):
        return value
    return json.dumps(value, ensure_ascii=True)[1:-1][:TEXT_MAX]


def _utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- form rules: safe to name and store --------------------------------------------------


def _texts(data: dict[str, Any]) -> Iterator[tuple[str, int | None, str | None, str]]:
    """(field, item number, key, text) for every string in a record: fields, list items,
    people's codes. Where a text is is spelt out only for a reason (see `_where`)."""
    for name, value in data.items():
        kind = type(value)
        if kind is str:
            yield name, None, None, value
        elif kind is list:
            for n, item in enumerate(value):
                if type(item) is str:
                    yield name, n, None, item
                elif type(item) is dict:
                    for key, text in item.items():
                        if type(text) is str:
                            yield name, n, key, text


def _where(name: str, n: int | None, key: str | None) -> str:
    if n is None:
        return name
    return f"{name}[{n}]" if key is None else f"{name}[{n}].{key}"


def _texts_sound(data: dict[str, Any], skip: frozenset[str] = _NONE) -> bool:
    """The fast pass of `text_fields` (ingest's hot path), fields in `skip` left out: every
    text at once when all are short ASCII (the usual record), else plain loops."""
    strings = [v for k, v in data.items() if type(v) is str and k not in skip]
    lists = [v for k, v in data.items() if type(v) is list and v and k not in skip]
    items = [i for v in lists for i in v if type(i) is str]
    items += [t for v in lists for i in v if type(i) is dict for t in i.values() if type(t) is str]
    if (
        max(map(len, strings), default=0) <= TEXT_MAX
        and _tight_sound(data, skip)
        and max(map(len, items), default=0) <= TEXT_MAX
        and "".join(strings).isascii()
        and "".join(items).isascii()
    ):
        return True
    return _texts_sound_each(data, skip)


def _tight_sound(data: dict[str, Any], skip: frozenset[str]) -> bool:
    """The fields whose limit is under TEXT_MAX hold text within it (or are left out)."""
    for name, limit in _TIGHT.items():
        value = data.get(name)
        if type(value) is str and name not in skip and len(value) > limit:
            return False
    return True


def _texts_sound_each(data: dict[str, Any], skip: frozenset[str]) -> bool:
    """_texts_sound, text by text."""
    limit, shortest = TEXT_LIMITS.get, _SHORTEST
    for name, value in data.items():
        kind = type(value)
        if name in skip:
            continue
        if kind is str:
            size = len(value)
            if size > shortest and size > limit(name, TEXT_MAX):
                return False
            if not value.isascii() and not _utf8(value):
                return False
        elif kind is list:
            for item in value:
                if type(item) is str:
                    if len(item) > TEXT_MAX or (not item.isascii() and not _utf8(item)):
                        return False
                elif type(item) is dict:
                    for text in item.values():
                        if type(text) is str and (
                            len(text) > TEXT_MAX or (not text.isascii() and not _utf8(text))
                        ):
                            return False
    return True


def _text_fault(name: str, n: int | None, key: str | None, text: str) -> str | None:
    where = _where(name, n, key)
    if not _utf8(text):
        return f"{where} is not valid UTF-8 text (it holds a lone surrogate)"
    limit = TEXT_LIMITS.get(name, TEXT_MAX) if n is None else TEXT_MAX
    if len(text) > limit:
        return f"{where} is {len(text)} characters long (at most {limit})"
    return None


def text_fields(data: dict[str, Any], ctx: Context) -> str | None:
    """Every text (a field, a list item, a people group's code) is valid UTF-8 - JSON can carry
    lone surrogates, UTF-8 cannot - and within its length; lists and people within their sizes.
    In format 2, notes and referral_ref are digests (the shape check reads them)."""
    skip = _NONE if data.get("format", ENGAGEMENT_FORMAT) == ENGAGEMENT_FORMAT else _SEALED
    if not _texts_sound(data, skip):
        data = {k: v for k, v in data.items() if k not in skip}
        for name, n, key, text in _texts(data):
            fault = _text_fault(name, n, key, text)
            if fault is not None:
                return fault
    for name, _ in _CODE_LISTS:
        items = data.get(name) or ()
        if len(items) > LIST_MAX:
            return f"{name} holds {len(items)} items (at most {LIST_MAX})"
    groups = data.get("people") or ()
    if len(groups) > PEOPLE_GROUPS_MAX:
        return f"people holds {len(groups)} groups (at most {PEOPLE_GROUPS_MAX})"
    persons = data.get("persons") or ()
    if len(persons) > PEOPLE_GROUPS_MAX:
        return f"persons holds {len(persons)} persons (at most {PEOPLE_GROUPS_MAX})"
    return None


def record_id(data: dict[str, Any], ctx: Context) -> str | None:
    """The id is a UUID in its canonical text form (lowercase 8-4-4-4-12)."""
    return _uuid("id", data["id"])


def amends_id(data: dict[str, Any], ctx: Context) -> str | None:
    """An amendment names the record it corrects by its UUID."""
    amends = data.get("amends")
    return None if amends is None else _uuid("amends", amends)


def is_uuid(value: Any) -> bool:
    """True for a UUID in its canonical text form."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def _uuid(name: str, value: str) -> str | None:
    if is_uuid(value):
        return None
    return f"{name} {quote(value)} is not a UUID (8-4-4-4-12 lowercase hex digits)"


def clock_stamp(data: dict[str, Any], ctx: Context) -> str | None:
    """The hybrid logical clock stamp is MS-COUNTER: 15 digits, a hyphen, 5 digits."""
    if _STAMP.fullmatch(data["hlc"]):
        return None
    return f"hlc {quote(data['hlc'])} is not a clock stamp (15 digits, a hyphen, 5 digits)"


def chain_link(data: dict[str, Any], ctx: Context) -> str | None:
    """prev_hash is a sha256 in hex (the genesis hash is 64 zeros)."""
    prev = data.get("prev_hash")
    if prev is None or _HEX64.fullmatch(prev):
        return None
    return f"prev_hash {quote(prev)} is not 64 lowercase hex digits"


FORM_RULES: tuple[Rule, ...] = (
    text_fields,
    record_id,
    amends_id,
    clock_stamp,
    chain_link,
)


# -- content rules: what an authentic record says --------------------------------------


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


def broken(rules: tuple[Rule, ...], data: dict[str, Any], ctx: Context) -> list[str]:
    """The reasons of every rule in `rules` that `data` breaks, in order."""
    return [reason for rule in rules if (reason := rule(data, ctx)) is not None]


#: The context of the form rules, which need none.
NO_CONTEXT = Context(operation="", team="", officer="")
