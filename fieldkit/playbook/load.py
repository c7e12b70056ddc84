"""Load a playbook file into a validated Playbook, or raise every located problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fieldkit.codes import did_you_mean
from fieldkit.playbook.checks import check_references
from fieldkit.playbook.models import Playbook, Strict
from fieldkit.playbook.problems import PlaybookError, Problem
from fieldkit.playbook.yamlread import Document, parse, read_text


def load_playbook(path: Path | str, label: str | None = None) -> Playbook:
    """The playbook at `path`; raises PlaybookError naming every problem with line and column."""
    path = Path(path)
    name = label or str(path)
    return load_text(read_text(path, name), name)


def load_text(text: str, name: str = "<playbook>") -> Playbook:
    doc = parse(text, name)
    if not isinstance(doc.data, dict):
        raise PlaybookError([doc.problem((), "a playbook is a mapping of sections (operation:, roster:, ...)")])
    problems: list[Problem] = []
    playbook: Playbook | None = None
    try:
        playbook = Playbook.model_validate(doc.data)
    except ValidationError as exc:
        problems += [_located(doc, err) for err in exc.errors(include_url=False)]
    try:
        problems += check_references(doc)
    except Exception as exc:  # a gap in the checks must still not become a traceback
        problems.append(doc.problem((), f"could not check references: {exc}"))
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
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return None
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


def _located(doc: Document, err: Any) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    kind = err["type"]
    where = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc)
        hint = did_you_mean(key, _field_names(model)) if model else ""
        known = f"; known keys: {', '.join(_field_names(model))}" if model and not hint else ""
        return doc.problem(loc, f'unknown key "{key}"{hint}{known}', key=True)
    if kind == "missing":
        parent = loc[:-1]
        return doc.problem(parent, f'missing required key "{loc[-1]}"' + (f" in {'.'.join(map(str, parent))}" if parent else ""))
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "int_type", "float_type", "list_type", "dict_type", "model_type",
                "date_type", "date_from_datetime_parsing", "date_parsing", "bool_type"):
        got = err.get("input")
        msg = f"{msg}, got {type(got).__name__} {got!r}" if not isinstance(got, (dict, list)) else f"{msg}, got a {type(got).__name__}"
    elif kind == "string_pattern_mismatch":
        msg = f"{err.get('input')!r} must be lower-case letters, digits, _ or - (an id or a code)"
    elif kind == "literal_error" and loc == ("version",):
        msg = "version must be 1"
    return doc.problem(loc, f"{where}: {msg}" if where else msg)
