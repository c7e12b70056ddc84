"""A fast check that a JSON object has the Engagement record's fields and types (for ingest)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from fieldkit.errors import quote
from fieldkit.model import (
    ENGAGEMENT_FORMAT,
    FORMATS,
    KIND_FIELDS,
    NOTES_MAX,
    TEXTS_FIELD,
    Engagement,
    RecordError,
)

_PEOPLE_KEYS = {"gender", "age_band", "nationality", "count"}


def _kinds() -> tuple[dict[str, tuple[type, ...]], set[str]]:
    hints = typing.get_type_hints(Engagement)
    kinds: dict[str, tuple[type, ...]] = {}
    required: set[str] = set()
    for f in dataclasses.fields(Engagement):
        if f.name in ("seals",):
            continue  # in memory only: on the wire they are `texts`
        hint = str(hints[f.name])
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.add(f.name)
        if "tuple" in hint:
            kinds[f.name] = (list,)
        elif "float" in hint:
            kinds[f.name] = (float, int, type(None))  # JSON writes 51.0 as 51 in some encoders
        elif "bool" in hint:
            kinds[f.name] = (bool,)
        elif "None" in hint:
            kinds[f.name] = (str, type(None))
        else:
            kinds[f.name] = (str,)
    kinds[TEXTS_FIELD] = (dict,)
    return kinds, required


KINDS, REQUIRED = _kinds()
#: Exact types (bool is not accepted where a number is meant, nor int where bool is).
_TYPES = {name: frozenset(kinds) for name, kinds in KINDS.items()}


_EMPTY: frozenset[type] = frozenset()
_CODE_LISTS = ("partners", "indicators", "outcomes")
_ONLY_TEXT = frozenset({str})


#: Field-type signatures (sorted keys, their value types) already found valid: records from
#: devices come in a handful of them, so most checks are one set lookup.
_GOOD: set[tuple[tuple[str, ...], tuple[type, ...]]] = set()


def shape_problem(data: Any) -> str | None:
    """None when `data` is shaped like a sealed Engagement record, else what is wrong."""
    return shape_check(data)[0]


def shape_check(data: Any) -> tuple[str | None, Engagement | None]:
    """(what is wrong, None), or (None, the record read) when `data` is shaped like a sealed
    Engagement record: the record is read once, here, for every later check (None for a
    format 1 record that the model does not read: it is stored, and no referral rule is
    checked on it)."""
    if type(data) is not dict:
        return "a record is a JSON object", None
    signature = (tuple(data), tuple(map(type, data.values())))
    if signature not in _GOOD:
        wrong = _field_problem(data)
        if wrong is not None:
            return wrong, None
        if len(_GOOD) < 4096:
            _GOOD.add(signature)
    return _content_problem(data)


def _field_problem(data: dict[str, Any]) -> str | None:
    types = _TYPES
    wrong = [n for n, v in data.items() if type(v) not in types.get(n, _EMPTY)]
    if wrong:
        name = wrong[0]
        if name not in types:
            return f"unknown field {quote(name)}"
        return f"field {quote(name)} has the wrong type ({type(data[name]).__name__})"
    if not REQUIRED <= data.keys():
        return f"missing field(s): {', '.join(sorted(REQUIRED - data.keys()))}"
    if "hash" not in data or "signature" not in data:
        return "a sealed record has a hash and a signature"
    return None


def _content_problem(data: dict[str, Any]) -> tuple[str | None, Engagement | None]:
    form = data.get("format", ENGAGEMENT_FORMAT)
    if form not in FORMATS:
        return f"format {quote(form)} is not one of {', '.join(FORMATS)}", None
    record: Engagement | str | None = None
    if form == ENGAGEMENT_FORMAT:
        extra = sorted({"persons", TEXTS_FIELD, *KIND_FIELDS} & data.keys())
        if extra:
            return f"a format 1 record has no {extra[0]}", None
    else:
        record = _format2_problem(data)
        if type(record) is str:
            return record, None
    wrong = _codes_problem(data)
    if wrong is not None:
        return wrong, None
    if record is None:
        try:
            record = Engagement.from_dict(data)
        except RecordError:
            return None, None
    return None, record  # type: ignore[return-value]


def _codes_problem(data: dict[str, Any]) -> str | None:
    """Lists of codes hold text; people are groups of codes and a count."""
    for name in _CODE_LISTS:
        codes = data.get(name)
        if codes and not _ONLY_TEXT.issuperset(map(type, codes)):
            return f"{name} must be a list of codes"
    for group in data.get("people") or ():
        if (
            type(group) is not dict
            or group.keys() != _PEOPLE_KEYS
            or type(group["count"]) is not int
            or group["count"] < 0
            or type(group["gender"]) is not str
            or type(group["age_band"]) is not str
            or type(group["nationality"]) is not str
        ):
            return "people must be groups of {gender, age_band, nationality, count}"
    return None


_PERSON_KEYS = {
    "gender",
    "age_band",
    "nationality",
    "language",
    "signs",
    "consent",
    "route",
    "by",
    "ref",
    "interpreter",
}
_OPTIONAL = ("language", "by", "ref")
_TEXT_ENTRY = {"salt", "text"}


def _format2_problem(data: dict[str, Any]) -> str | Engagement:
    """Persons are objects of codes; texts are {digest: {salt, text}}; the record parses:
    what is wrong, else the record read."""
    for person in data.get("persons") or ():
        if (
            type(person) is not dict
            or person.keys() != _PERSON_KEYS
            or any(type(person[k]) is not str for k in _PERSON_KEYS - {"signs", *_OPTIONAL})
            or any(person[k] is not None and type(person[k]) is not str for k in _OPTIONAL)
            or type(person["signs"]) is not list
            or not _ONLY_TEXT.issuperset(map(type, person["signs"]))
        ):
            return f"persons must be objects of {{{', '.join(sorted(_PERSON_KEYS))}}}"
    for entry in (data.get(TEXTS_FIELD) or {}).values():
        if type(entry) is not dict or entry.keys() != _TEXT_ENTRY:
            return "texts must map a digest to {salt, text}"
        if type(entry["text"]) is not str or len(entry["text"]) > NOTES_MAX:
            return f"a text beside the record is at most {NOTES_MAX} characters"
    try:
        return Engagement.from_dict(data)
    except ValueError as exc:
        return str(exc)
