"""Form rules: a record safe to name and to store at all (its ids, clock stamp and text).

Ingest runs them with the shape check (shape.py), before hashing; a record failing one is
`malformed`. Records reach them with every field of its type. A bundle's record comes with
the JSON line it was read from: a line that is plain (see `plain_line`) proves every text in
it valid and short enough at once, and only the limits tighter than TEXT_MAX and the list
sizes are checked on the record (PLAIN_FORM_RULES).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fieldkit.central.rules import Context, Rule, quote
from fieldkit.model import ENGAGEMENT_FORMAT, NOTES_MAX, REFERRAL_REF_MAX

#: The longest text each field may hold, in characters; any other text field: TEXT_MAX.
TEXT_LIMITS = {"notes": NOTES_MAX, "referral_ref": REFERRAL_REF_MAX}
TEXT_MAX = 200
_SHORTEST = min(*TEXT_LIMITS.values(), TEXT_MAX)
#: The fields held to less than TEXT_MAX.
_TIGHT = {name: limit for name, limit in TEXT_LIMITS.items() if limit < TEXT_MAX}
#: Items in a list of codes, and groups in `people`.
LIST_MAX = 100
PEOPLE_GROUPS_MAX = 500

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_STAMP = re.compile(r"[0-9]{15}-[0-9]{5}")
#: A quote and more than TEXT_MAX bytes that are not one: in a line without escapes, a text
#: longer than TEXT_MAX (found in one pass: each run is scanned from the quote before it).
_LONG_TEXT = re.compile(b'"[^"]{%d}' % (TEXT_MAX + 1))
_NONE: frozenset[str] = frozenset()
#: Format 2's sealed text places (digests) and the texts beside them: not checked as text here.
_SEALED = frozenset({"notes", "referral_ref", "texts"})
_CODE_LISTS = ("partners", "indicators", "outcomes")


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
    skip = _skipped(data)
    if not _texts_sound(data, skip):
        fault = _first_text_fault({k: v for k, v in data.items() if k not in skip})
        if fault is not None:
            return fault
    return _sizes(data)


def plain_text_fields(data: dict[str, Any], ctx: Context) -> str | None:
    """text_fields for a record read from a plain line (`plain_line`): every text is already
    known valid and at most TEXT_MAX characters; the tighter limits and the sizes are left."""
    if not _tight_sound(data, _skipped(data)):
        return text_fields(data, ctx)
    return _sizes(data)


def plain_line(line: bytes) -> bool:
    """True when a record's JSON text proves every text in it valid UTF-8 of at most TEXT_MAX
    characters: ASCII with no backslash (so no escape, no lone surrogate, one byte a character
    and no quote inside a text), and no run of more than TEXT_MAX bytes between two quotes
    (a text is such a run). False says nothing: the record's texts are checked one by one."""
    return line.isascii() and b"\\" not in line and _LONG_TEXT.search(line) is None


def _skipped(data: dict[str, Any]) -> frozenset[str]:
    return _NONE if data.get("format", ENGAGEMENT_FORMAT) == ENGAGEMENT_FORMAT else _SEALED


def _first_text_fault(data: dict[str, Any]) -> str | None:
    for name, n, key, text in _texts(data):
        fault = _text_fault(name, n, key, text)
        if fault is not None:
            return fault
    return None


def _sizes(data: dict[str, Any]) -> str | None:
    """Lists of codes, people's groups and persons within their sizes."""
    for name in _CODE_LISTS:
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
#: FORM_RULES for a record read from a plain line: the same reasons, in the same order.
PLAIN_FORM_RULES: tuple[Rule, ...] = (plain_text_fields, *FORM_RULES[1:])
