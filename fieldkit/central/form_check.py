"""One received record's form at central: its shape, the form rules and its hash, read once.

`form_verdict` is a pure function of the record (and, for a bundle, the JSON line it was read
from): the record checked (`Checked`) or what is wrong with it (`FormFault`). Ingest refuses a
fault; a big bundle's verdicts may be reached in another process (form_parallel.py), which is
why nothing here writes to a problem list or reads the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from fieldkit.central.form import FORM_RULES, PLAIN_FORM_RULES, plain_line
from fieldkit.central.problems import BAD_HASH, MALFORMED, Checked, reading_of
from fieldkit.central.rules import NO_CONTEXT, broken
from fieldkit.central.shape import shape_check
from fieldkit.model import SEAL_FIELDS, TEXTS_FIELD, canonical_json


@dataclass(frozen=True)
class FormFault:
    """Why a record was refused before its signature was read: `kind` is MALFORMED (with the
    `reason`) or BAD_HASH."""

    kind: str
    reason: str = ""


def form_verdict(data: Any, line: bytes | None = None) -> Checked | FormFault:
    """`data` checked for shape, form rules and hash: the record as `Checked`, or its fault."""
    wrong, rec = shape_check(data)
    if wrong is None:
        rules = PLAIN_FORM_RULES if line is not None and plain_line(line) else FORM_RULES
        wrong = "; ".join(broken(rules, data, NO_CONTEXT)) or None
    if wrong is not None:
        return FormFault(MALFORMED, wrong)
    body = body_of_line(line, data) if line is not None else None
    if body is not None:
        digest = data["hash"]  # the cut body was hashed and matched
    else:
        body = _body_of_record(data)
        digest = hashlib.sha256(body).hexdigest()
    if digest != data["hash"]:
        return FormFault(BAD_HASH)
    reading = None if rec is None else reading_of(rec, bool(data.get(TEXTS_FIELD)))
    return Checked(data, data["id"], data["prev_hash"], digest, body.decode("utf-8"), reading)


def _body_of_record(data: dict[str, Any]) -> bytes:
    """The signed body from the parsed record: all but hash, signature and (format 2) texts.
    The record itself is left as received (a refusal keeps its text as it came)."""
    body = {name: value for name, value in data.items() if name not in _NOT_BODY}
    try:
        return canonical_json(body)
    except ValueError as exc:  # NaN or infinity: JSON has no such numbers
        return str(exc).encode()


def body_of_line(line: bytes, data: dict[str, Any]) -> bytes | None:
    """The signed body cut straight from a canonical record line (bundles), if it hashes right.

    A canonical line is the body with `"hash":"..."`, `"signature":"..."` and (format 2)
    `"texts":{...}` put in key order; hash and signature are hex and the texts canonical JSON,
    so the pairs cut out exactly. What is left may name none of the three (a key given twice
    is not canonical). Otherwise None, and the body is computed from the parsed record instead.
    """
    pairs = [
        b',"hash":"' + data["hash"].encode() + b'"',
        b',"signature":"' + data["signature"].encode() + b'"',
    ]
    if TEXTS_FIELD in data:
        texts = data[TEXTS_FIELD]
        try:
            pairs.append(_NO_TEXTS if not texts else _TEXTS + canonical_json(texts))
        except ValueError:
            return None
    cuts = []
    for pair in pairs:
        at = line.find(pair)
        if at < 0 or line.find(pair, at + 1) >= 0:
            return None  # not there, or there twice
        cuts.append((at, at + len(pair)))
    cuts.sort()
    body = cut(line, cuts)
    if body is None:
        return None
    for name in _CUT_NAMES:
        if name in body:
            return None
    return body if hashlib.sha256(body).hexdigest() == data["hash"] else None


def cut(line: bytes, cuts: list[tuple[int, int]]) -> bytes | None:
    """`line` without the (start, end) spans `cuts`, in order; None if two of them overlap."""
    pieces, at = [], 0
    for start, end in cuts:
        if start < at:
            return None
        pieces.append(line[at:start])
        at = end
    pieces.append(line[at:])
    return b"".join(pieces)


#: What a sealed record holds beside its signed body.
_NOT_BODY = frozenset((*SEAL_FIELDS, TEXTS_FIELD))
_TEXTS = b',"' + TEXTS_FIELD.encode() + b'":'
_NO_TEXTS = _TEXTS + b"{}"
#: The keys cut from a canonical line, as they would stand in what is left if given twice.
_CUT_NAMES = tuple(f'"{name}":'.encode() for name in (*SEAL_FIELDS, TEXTS_FIELD))
