"""Load a playbook file into a validated Playbook, or raise every located problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from fieldkit.codes import did_you_mean, suggest
from fieldkit.errors import clip, quote
from fieldkit.playbook.checks import check_references
from fieldkit.playbook.models import Playbook, Strict
from fieldkit.playbook.problems import PlaybookError, Problem, shown
from fieldkit.playbook.yamlread import Document, parse, read_text

# What a value of the wrong type should have been, by pydantic error type.
_SHOULD_BE = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": 'a list ([a, b], or lines starting with "- ")',
    "tuple_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD) with no time of day",
    "literal_error": None,
}


def load_playbook(path: Path | str, label: str | None = None) -> Playbook:
    """The playbook at `path`; raises PlaybookError naming every problem with line and column."""
    path = Path(path)
    name = label or str(path)
    return load_text(read_text(path, name), name)


def load_text(text: str, name: str = "<playbook>") -> Playbook:
    """The playbook written in `text` (`name` is the file named in problems)."""
    doc = parse(text, name)
    if doc.data is None:
        raise PlaybookError([Problem(name, 1, 1, "the playbook is empty")])
    if not isinstance(doc.data, dict):
        raise PlaybookError(
            [doc.problem((), "a playbook is a mapping of sections (operation:, roster:, ...)")]
        )
    problems: list[Problem] = []
    playbook: Playbook | None = None
    try:
        problems += check_references(doc)
    except Exception as exc:  # a gap in the checks must still not become a traceback
        problems.append(doc.problem((), f"could not check references: {clip(str(exc))}"))
    # An unknown code says more ("did you mean ...?") than its spelling being wrong.
    checked = {(p.line, p.column) for p in problems}
    try:
        playbook = Playbook.model_validate(doc.data)
    except ValidationError as exc:
        for err, problem in _all_located(doc, exc.errors(include_url=False)):
            if (
                err["type"] != "string_pattern_mismatch"
                or (problem.line, problem.column) not in checked
            ):
                problems.append(problem)
    except Exception as exc:  # a validator gap must still not become a traceback
        problems.append(doc.problem((), f"cannot read the playbook: {clip(str(exc))}"))
    if problems or playbook is None:
        raise PlaybookError(sorted(set(problems)))
    playbook._source = name
    return playbook


def check_playbook(path: Path | str, label: str | None = None) -> list[Problem]:
    """Every problem in the playbook at `path` (an empty list when it is valid)."""
    try:
        load_playbook(path, label)
    except PlaybookError as exc:
        return exc.problems
    return []


def _model_at(loc: tuple[Any, ...]) -> type[Strict] | None:
    """The model class that holds the field at `loc`, to suggest known keys."""
    model: Any = Playbook
    dict_key = False  # the next part is a key of a dict field (codes.add.<list>), not a field
    for part in loc[:-1]:
        if isinstance(part, int) or dict_key:
            dict_key = False
            continue
        fields = getattr(model, "model_fields", None)
        field = fields.get(part) if fields else None
        if field is None:
            return None
        dict_key = get_origin(field.annotation) is dict
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, Strict) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Strict):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _field_names(model: type[Strict]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


# What one entry of a list is called in messages ("missing required key "name" for this venue").
_ENTRY = {
    "roster": "person",
    "teams": "team",
    "venues": "venue",
    "activities": "activity",
    "when": "window",
    "available": "window",
    "helplines": "helpline",
}


def _entry(parent: tuple[Any, ...]) -> str:
    """How a message names the mapping at `parent`: 'in operation', 'for this venue'..."""
    keys = [p for p in parent if isinstance(p, str)]
    if not keys:
        return "in the playbook"
    if not isinstance(parent[-1], int):
        return f"in {keys[-1]}"
    if keys[:2] == ["codes", "add"]:
        return "for this added code"
    return f"for this {_ENTRY.get(keys[-1], keys[-1] + ' entry')}"


def _all_located(doc: Document, errors: list[Any]) -> list[tuple[Any, Problem]]:
    """Every validation error as a problem, less a missing key that a misspelt key in the
    same mapping already explains ("unknown key "nam" (did you mean "name"?)")."""
    meant = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _clean(err["loc"], doc)
            model = _model_at(loc)
            hit = suggest(str(loc[-1]), _field_names(model)) if model else None
            if hit:
                meant.add(loc[:-1] + (hit,))
    return [
        (err, _located(doc, err))
        for err in errors
        if not (err["type"] == "missing" and _clean(err["loc"], doc) in meant)
    ]


def _clean(loc: tuple[Any, ...], doc: Document) -> tuple[Any, ...]:
    """The location without pydantic's union branch tags (a key written with "[" stays)."""
    out: tuple[Any, ...] = ()
    for part in loc:
        tag = isinstance(part, str) and "[" in part and out + (part,) not in doc.marks
        if not tag:
            out += (part,)
    return out


def _located(doc: Document, err: Any) -> Problem:
    loc = _clean(err["loc"], doc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc)
        hint = did_you_mean(key, _field_names(model)) if model else ""
        known = f"; known keys: {', '.join(_field_names(model))}" if model and not hint else ""
        return doc.problem(loc, f"unknown key {quote(key)}{hint}{known}", key=True)
    if kind == "missing":
        return doc.problem(loc[:-1], f"missing required key {quote(loc[-1])} {_entry(loc[:-1])}")
    at = (err.get("ctx") or {}).get("at")
    if isinstance(at, str):
        loc = loc + (at,)
    got = err.get("input")
    msg = str(err["msg"]).removeprefix("Value error, ")
    should_be = _SHOULD_BE.get(kind)
    if should_be:
        msg = f"should be {should_be}, not {shown(got)}"
    elif kind == "literal_error" and loc == ("version",):
        msg = f"must be 1, not {shown(got)}"
    elif kind == "string_pattern_mismatch":
        msg = f"{shown(got)} is not an id or code: use lower-case letters, digits, _ or -"
    elif kind == "string_too_long":
        msg = f"{shown(got)} is too long (at most {err['ctx']['max_length']} characters)"
    elif kind == "too_short":
        least = err["ctx"]["min_length"]
        msg = f"needs at least {least} entr{'y' if least == 1 else 'ies'}"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        limit = next(iter(err["ctx"].values()))
        msg = f"must be {bound} {limit}, not {shown(got)}"
    name = loc[-1] if loc and isinstance(loc[-1], str) else None
    if name is not None and at is None:
        return doc.problem(loc, f"{name}: {msg}")
    return doc.problem(loc, msg)
