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

#: orjson reads integers outside 64 bits as floats: a text with a number of 19 digits or more
#: is read by the standard parser, which keeps every integer exact. A run of 19 digits is a
#: number when it starts the text or follows what a number may follow (`-`, `,`, `:`, `[` or
#: white space); inside a string (a hash's hex digits) it is not.
_BEFORE_NUMBER = frozenset(b"-,:[ \t\n\r\f\v")
#: Every digit read as 0, other bytes as they are: runs of digits found with bytes.find.
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else b for b in range(256))
_RUN = b"0" * 19
#: Every byte but quotes and brackets (deleted to see a text's nesting in C speed).
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_INNERMOST = re.compile(rb"\[\]|\{\}")

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
    utf8 = False  # read by orjson, which reads only UTF-8
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit"):
            raise _too_deep() from None
        value = _standard(data)
    else:
        if _long_integer(data):
            value = _standard(data)
        utf8 = True
    if _may_nest_deeper(data, MAX_DEPTH, utf8) and nested_deeper(value, MAX_DEPTH):
        raise _too_deep()
    return value


def loads_lines(lines: list[bytes], text: bytes | None = None) -> list[Any]:
    """One value per line (JSON Lines); a bad line is named. `text`, when given, is the text
    the lines were split from: it is scanned once, whole, for what orjson would misread (long
    integers) and for deep nesting, instead of the lines joined again."""
    whole = b"\n".join(lines) if text is None else text
    try:
        values = None if _long_integer(whole) else [orjson.loads(line) for line in lines]
    except orjson.JSONDecodeError:
        values = None
    if values is None:
        # Slow path, only for bad input: the first line that is not one JSON value.
        return [_line(n, line) for n, line in enumerate(lines, start=1)]
    if not _may_nest_deeper(whole, MAX_DEPTH, utf8=True):
        return values  # values side by side nest no deeper than the deepest of them
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


def _long_integer(data: bytes | bytearray | str) -> bool:
    """Whether the JSON text `data` may hold an integer of 19 digits or more (see above)."""
    if isinstance(data, str):  # as UTF-8: a digit or a byte before one is one ASCII byte
        data = data.encode("utf-8", "surrogatepass")
    digits = data.translate(_DIGITS_AS_ZERO)
    at = digits.find(_RUN)
    while at >= 0:
        if at == 0 or data[at - 1] in _BEFORE_NUMBER:
            return True
        at = digits.find(_RUN, at + len(_RUN))
    return False


def _may_nest_deeper(data: bytes | bytearray | str, limit: int, utf8: bool = False) -> bool:
    """A quick bound, False only when the JSON text `data` nests at most `limit` deep: it has
    no more [ and { than that, or (bytes that orjson read, so UTF-8, where a byte under 128 is
    the character it reads as) its brackets outside strings nest at most that deep."""
    if isinstance(data, str):
        return data.count("[") + data.count("{") > limit
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    return not (utf8 and _peels_within(data, limit))


def _peels_within(data: bytes | bytearray, limit: int) -> bool:
    """True when the brackets of the valid JSON text `data`, strings left out, nest at most
    `limit` deep; False when they nest deeper or a string holds a bracket (then unknown).

    Escaped backslashes and quotes go first (JSON has them only in strings), so every quote
    left opens or closes a string; with all but quotes and brackets deleted, a string without
    brackets is a pair of quotes side by side. A quote left over means a string holds one.
    """
    shape = bytes(data)
    if b"\\" in shape:  # most texts have no escape at all
        shape = shape.replace(b"\\\\", b"").replace(b'\\"', b"")
    shape = shape.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in shape:
        return False
    for _ in range(limit):
        if not shape:
            return True
        shape = _INNERMOST.sub(b"", shape)
    return not shape


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
