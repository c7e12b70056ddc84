"""Load a playbook file into a validated Playbook, or raise every located problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from fieldkit.codes import did_you_mean, suggest
from fieldkit.errors import clip, quote
from fieldkit.i18n import N_, _, ngettext
from fieldkit.playbook.checks import check_references
from fieldkit.playbook.models import Playbook, Strict
from fieldkit.playbook.problems import PlaybookError, Problem, shown
from fieldkit.playbook.yamlread import Document, parse, read_text

# What a value of the wrong type should have been, by pydantic error type.
_SHOULD_BE = {
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "list_type": N_('a list ([a, b], or lines starting with "- ")'),
    "tuple_type": N_("a list"),
    "dict_type": N_("a mapping (key: value lines)"),
    "model_type": N_("a mapping (key: value lines)"),
    "model_attributes_type": N_("a mapping (key: value lines)"),
    "date_type": N_("a date (YYYY-MM-DD)"),
    "date_parsing": N_("a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("a date (YYYY-MM-DD) with no time of day"),
    "literal_error": None,
}


# A number out of its bounds, by pydantic error type.
_BOUNDS = {
    "greater_than_equal": N_("must be at least {limit}, not {got}"),
    "less_than_equal": N_("must be at most {limit}, not {got}"),
    "greater_than": N_("must be more than {limit}, not {got}"),
    "less_than": N_("must be less than {limit}, not {got}"),
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
        raise PlaybookError([Problem(name, 1, 1, _("the playbook is empty"))])
    if not isinstance(doc.data, dict):
        raise PlaybookError(
            [doc.problem((), _("a playbook is a mapping of sections (operation:, roster:, ...)"))]
        )
    problems: list[Problem] = []
    playbook: Playbook | None = None
    try:
        problems += check_references(doc)
    except Exception as exc:  # a gap in the checks must still not become a traceback
        message = _("could not check references: {error}").format(error=clip(str(exc)))
        problems.append(doc.problem((), message))
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
        message = _("cannot read the playbook: {error}").format(error=clip(str(exc)))
        problems.append(doc.problem((), message))
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
    "roster": N_("for this person"),
    "teams": N_("for this team"),
    "venues": N_("for this venue"),
    "activities": N_("for this activity"),
    "when": N_("for this window"),
    "available": N_("for this window"),
    "helplines": N_("for this helpline"),
}


def _entry(parent: tuple[Any, ...]) -> str:
    """How a message names the mapping at `parent`: 'in operation', 'for this venue'..."""
    keys = [p for p in parent if isinstance(p, str)]
    if not keys:
        return _("in the playbook")
    if not isinstance(parent[-1], int):
        return _("in {section}").format(section=keys[-1])
    if keys[:2] == ["codes", "add"]:
        return _("for this added code")
    if keys[-1] in _ENTRY:
        return _(_ENTRY[keys[-1]])
    return _("for this {section} entry").format(section=keys[-1])


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
        known = (
            _("; known keys: {keys}").format(keys=", ".join(_field_names(model)))
            if model and not hint
            else ""
        )
        said = _("unknown key {key}{hint}{known}").format(key=quote(key), hint=hint, known=known)
        return doc.problem(loc, said, key=True)
    if kind == "missing":
        said = _("missing required key {key} {where}").format(
            key=quote(loc[-1]), where=_entry(loc[:-1])
        )
        return doc.problem(loc[:-1], said)
    at = (err.get("ctx") or {}).get("at")
    if isinstance(at, str):
        loc = loc + (at,)
    got = err.get("input")
    msg = str(err["msg"]).removeprefix("Value error, ")
    should_be = _SHOULD_BE.get(kind)
    if should_be:
        msg = _("should be {kind}, not {got}").format(kind=_(should_be), got=shown(got))
    elif kind == "literal_error" and loc == ("version",):
        msg = _("must be 1, not {got}").format(got=shown(got))
    elif kind == "string_pattern_mismatch":
        msg = _("{got} is not an id or code: use lower-case letters, digits, _ or -").format(
            got=shown(got)
        )
    elif kind == "string_too_long":
        msg = _("{got} is too long (at most {most} characters)").format(
            got=shown(got), most=err["ctx"]["max_length"]
        )
    elif kind == "too_short":
        least = err["ctx"]["min_length"]
        msg = ngettext(
            "needs at least {least} entry", "needs at least {least} entries", least
        ).format(least=least)
    elif kind in _BOUNDS:
        limit = next(iter(err["ctx"].values()))
        msg = _(_BOUNDS[kind]).format(limit=limit, got=shown(got))
    name = loc[-1] if loc and isinstance(loc[-1], str) else None
    if name is not None and at is None:
        return doc.problem(loc, f"{name}: {msg}")
    return doc.problem(loc, msg)
