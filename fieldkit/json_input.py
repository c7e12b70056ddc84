"""JSON that comes from outside (bundles, answers, loadouts, requests): size and depth capped.

Every parse of JSON the kit did not just write itself goes through `loads` or `read_json`:
orjson when it can (several times faster), the standard parser for what orjson refuses (its
answer and messages are the reference), and never a RecursionError: nesting deeper than
MAX_DEPTH is refused with a plain message, so the rest of the kit (the standard encoder,
pydantic, repr) never meets data that would overflow the stack.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson

#: orjson reads integers outside 64 bits as floats: a text with a run of 19 digits anywhere (a
#: string too, rarely) is read by the standard parser, which keeps every integer exact.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_LONG_DIGITS_TEXT = re.compile(r"[0-9]{19}")

#: Deeper than this is not a fieldkit document (records nest 3 levels, loadouts 5).
MAX_DEPTH = 64
#: The largest plan.json read (a week of a large operation is a few megabytes).
MAX_PLAN = 64 * 1024 * 1024


class JSONInputError(ValueError):
    """JSON refused: too big, nested too deeply, or not JSON. The message says which."""


def loads(data: bytes | str, limit: int | None = None) -> Any:
    """The value of one JSON text; JSONInputError (a ValueError) for anything else."""
    if limit is not None and len(data) > limit:
        raise JSONInputError(f"{len(data):,} bytes, over the {limit:,} allowed")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit"):
            raise _too_deep() from None
        value = _standard(data)
    else:
        if isinstance(data, str) and _LONG_DIGITS_TEXT.search(data):
            value = _standard(data)
        elif isinstance(data, bytes | bytearray) and _LONG_DIGITS.search(data):
            value = _standard(data)
    if _may_nest_deeper(data, MAX_DEPTH) and nested_deeper(value, MAX_DEPTH):
        raise _too_deep()
    return value


def loads_lines(lines: list[bytes]) -> list[Any]:
    """One value per line (JSON Lines), parsed as one array for speed; a bad line is named."""
    joined = b"[" + b",".join(lines) + b"]"
    try:
        values = None if _LONG_DIGITS.search(joined) else orjson.loads(joined)
    except orjson.JSONDecodeError:
        values = None
    if not isinstance(values, list) or len(values) != len(lines):
        # Slow path, only for bad input: the first line that is not one JSON value.
        return [_line(n, line) for n, line in enumerate(lines, start=1)]
    for n, line in enumerate(lines, start=1):
        if _may_nest_deeper(line, MAX_DEPTH) and nested_deeper(values[n - 1], MAX_DEPTH):
            raise JSONInputError(f"line {n}: {_too_deep()}")
    return values


def read_json(path: Path, limit: int) -> Any:
    """The JSON value in the file at `path`, refused unread when it is over `limit` bytes.

    OSError (no such file, unreadable) is left to the caller, who knows what the file is.
    """
    return loads(read_capped(path, limit), limit)


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of `path`, never more than `limit`: its size is checked, then at most limit+1
    bytes are read (a file that grows, or a device file, cannot slip past)."""
    size = path.stat().st_size
    if size > limit:
        raise JSONInputError(f"the file is {size:,} bytes, over the {limit:,} allowed")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise JSONInputError(f"the file is over the {limit:,} bytes allowed")
    return data


def nested_deeper(value: Any, limit: int) -> bool:
    """Whether lists and objects in `value` nest more than `limit` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return False


def _may_nest_deeper(data: bytes | str, limit: int) -> bool:
    """A quick bound: JSON cannot nest deeper than it has [ and {."""
    if isinstance(data, str):
        return data.count("[") + data.count("{") > limit
    return data.count(b"[") + data.count(b"{") > limit


def _standard(data: bytes | str) -> Any:
    """The standard parser, for what orjson refuses (NaN, lone surrogates...) and its messages."""
    try:
        return json.loads(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:
        raise JSONInputError(str(exc)) from None


def _line(n: int, line: bytes) -> Any:
    try:
        return loads(line)
    except JSONInputError as exc:
        raise JSONInputError(f"line {n}: {exc}") from None


def _too_deep() -> JSONInputError:
    return JSONInputError(f"nested more than {MAX_DEPTH} levels deep")
