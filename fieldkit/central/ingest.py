"""THE ingest path: verify records (schema, hash, signature, chain) and store them, idempotently.

HTTP pushes and bundle imports both land here. One call is one transaction. A record is
acknowledged when central holds exactly it (new or already there); a record that fails a check
is kept in `problems` with its text and not acknowledged. Order does not matter: a record whose
predecessor has not arrived is stored and the gap is an open problem until the predecessor
comes, then resolved.

Content: a record's ids, clock stamp and text are checked with its shape (content.FORM_RULES,
`malformed` if not), and what an authentic record says - ranges, times, codes, operation, team
and officer - against the device's credential and the operation's published plan
(content.CONTENT_RULES, `content` if not). A record refused for its content is kept in
`problems` like any other refused record; the device's later records are stored and the gap
it leaves is named.

Signatures: each record's hash is recomputed from its content. Within a batch, a record's
hash commits to its predecessor's through `prev_hash`, so a valid signature on the last record
of a linked run authenticates the whole run; runs whose tail does not verify are checked
record by record, so the bad one is named.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fieldkit.central.bulk import paused_gc
from fieldkit.central.chain_check import chain_problems
from fieldkit.central.content import CONTENT_RULES
from fieldkit.central.form import FORM_RULES, PLAIN_FORM_RULES, plain_line
from fieldkit.central.heads import advance_head, flag_conflicts
from fieldkit.central.known import device_context
from fieldkit.central.problems import (
    BAD_HASH,
    BAD_SIGNATURE,
    CONTENT,
    FORK,
    GAP,
    ID_REUSE,
    MALFORMED,
    Checked,
    IngestResult,
    chunks,
    record_text,
    refuse,
    resolve_refusals,
)
from fieldkit.central.referrals import flag_rules, keep_texts
from fieldkit.central.rules import NO_CONTEXT, Context, broken
from fieldkit.central.shape import shape_check
from fieldkit.central.store import Central, ForbiddenError
from fieldkit.errors import quote
from fieldkit.model import SEAL_FIELDS, TEXTS_FIELD, canonical_json
from fieldkit.wire.keys import verify_signature
from fieldkit.wire.protocol import now_iso

__all__ = [
    "BAD_HASH",
    "BAD_SIGNATURE",
    "CONTENT",
    "FORK",
    "GAP",
    "ID_REUSE",
    "MALFORMED",
    "ForeignRecordError",
    "IngestResult",
    "check_owner",
    "ingest",
]


class ForeignRecordError(ForbiddenError):
    """A push holding a record that names another device: refused whole, nothing stored."""


def check_owner(records: list[dict[str, Any]], device: str) -> None:
    """ForeignRecordError, before anything is stored, if any record names another device."""
    for data in records:
        named = data.get("device") if isinstance(data, dict) else None
        if named != device:
            rid = quote(data.get("id")) if isinstance(data, dict) else "?"
            raise ForeignRecordError(
                f"device {device} may push only its own records; record {rid} "
                f"names device {quote(named)}"
            )


#: A push's sender let in: called once its records are known to be its own, before any is
#: checked; authenticates it, binds its credential and returns the key its records verify with.
Admit = Callable[[], str]
#: More to write in an ingest's own transaction (a bundle noted as imported): one commit.
Also = Callable[[Any], None]


@paused_gc()
def ingest(
    central: Central,
    device: str,
    public_key: str,
    records: list[dict[str, Any]],
    lines: list[bytes] | None = None,
    admit: Admit | None = None,
    also: Also | None = None,
) -> IngestResult:
    """Verify and store `records` of `device` in one transaction; see the module docstring.

    `lines`, when given, are the records' JSON texts as received (a bundle's records.jsonl).
    The records' owner is checked first, once per push, then `admit` (HTTP and bundle pushes)
    lets the sender in: nothing is bound to a device that pushed another's records. `also`
    writes more in the same transaction, given its connection, after the records.
    """
    check_owner(records, device)
    if admit is not None:
        public_key = admit()
    return _store(central, device, public_key, records, lines, also)


def _store(
    central: Central,
    device: str,
    public_key: str,
    records: list[dict[str, Any]],
    lines: list[bytes] | None,
    also: Also | None = None,
) -> IngestResult:
    """The records whose form, hash, signature and content hold, stored with their chain's
    problems, in one transaction."""
    result = IngestResult()
    problems: list[tuple[Any, ...]] = []
    candidates = _candidates(records, lines, device, problems, result)
    with central.transaction() as conn:
        fresh = _drop_known(conn, candidates, problems, result)
        ctx = device_context(central, conn, device)  # read once: the same all through
        stored = _trusted(ctx, device, public_key, fresh, problems, result)
        received = now_iso()
        _insert_records(conn, device, stored, received)
        keep_texts(conn, device, stored, problems)
        flag_rules(ctx, device, stored, problems)
        result.new = len(stored)
        result.acknowledged.extend(c.rec_id for c in stored)
        forked: set[str] = set()
        if stored:
            refused = {p[4]: p[2] for p in problems if p[1] == CONTENT}
            forked = chain_problems(conn, device, stored, problems, result, refused)
            resolve_refusals(conn, [c.hash for c in stored])
            flag_conflicts(conn, device, [(c.rec_id, c.data.get("amends")) for c in stored])
        _insert_problems(conn, problems, received)
        links = {c.prev: c.hash for c in stored if c.prev not in forked}
        result.head = advance_head(conn, device, links)
        if also is not None:
            also(conn)
    return result


def _candidates(
    records: list[dict[str, Any]],
    lines: list[bytes] | None,
    device: str,
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> list[Checked]:
    """The records whose form and hash hold, each id once (a repeat in the batch is dropped)."""
    candidates: list[Checked] = []
    seen: set[str] = set()
    for n, data in enumerate(records):
        checked = _check_form(data, device, problems, result, lines[n] if lines else None)
        if checked is not None and checked.rec_id not in seen:
            seen.add(checked.rec_id)
            candidates.append(checked)
    return candidates


def _trusted(
    ctx: Context,
    device: str,
    public_key: str,
    fresh: list[Checked],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> list[Checked]:
    """The new records signed with the device's key whose content is sound; others refused."""
    authentic = _authenticate(fresh, public_key)
    sound = _check_content(device, ctx, problems, result)
    stored: list[Checked] = []
    for c in fresh:
        if c.hash in authentic:
            if sound(c):
                stored.append(c)
        else:
            refuse(
                problems,
                result,
                device,
                BAD_SIGNATURE,
                c.rec_id,
                f"{c.rec_id}:{c.hash}",
                "its signature is not this device's key",
                c.text,
            )
    return stored


def _insert_records(conn: Any, device: str, stored: list[Checked], received: str) -> None:
    """The records, and the device's count of them (schema 7), in the caller's transaction."""
    conn.execute("UPDATE devices SET stored = stored + ? WHERE device = ?", (len(stored), device))
    conn.executemany(
        "INSERT INTO records (id, device, hlc, prev_hash, hash, signature, amends, body, "
        "received_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                c.rec_id,
                device,
                c.data["hlc"],
                c.prev,
                c.hash,
                c.data["signature"],
                c.data.get("amends"),
                c.body,
                received,
            )
            for c in stored
        ],
    )


def _insert_problems(conn: Any, problems: list[tuple[Any, ...]], received: str) -> None:
    if problems:
        conn.executemany(
            "INSERT OR IGNORE INTO problems (device, kind, record_id, missing, key, detail, "
            "record, found_at) VALUES (?,?,?,?,?,?,?,?)",
            [(*p, received) for p in problems],
        )


def _check_form(
    data: Any,
    device: str,
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    line: bytes | None = None,
) -> Checked | None:
    wrong, rec = shape_check(data)
    if wrong is None:
        rules = PLAIN_FORM_RULES if line is not None and plain_line(line) else FORM_RULES
        wrong = "; ".join(broken(rules, data, NO_CONTEXT)) or None
    if wrong is not None:
        text = record_text(data)
        rid = data.get("id") if isinstance(data, dict) else None
        rid = rid if isinstance(rid, str) else None  # an id of another type is no id
        key = hashlib.sha256(text.encode()).hexdigest()
        refuse(problems, result, device, MALFORMED, rid, key, f"not a valid record: {wrong}", text)
        return None
    body = _body_of_line(line, data) if line is not None else None
    if body is not None:
        digest = data["hash"]  # the cut body was hashed and matched
    else:
        seal = [data.pop(name) for name in SEAL_FIELDS]  # the body: all but hash and signature
        texts = data.pop(TEXTS_FIELD, None)  # and, in format 2, the texts beside it
        try:
            body = canonical_json(data)
        except ValueError as exc:  # NaN or infinity: JSON has no such numbers
            body = str(exc).encode()
        finally:
            data.update(zip(SEAL_FIELDS, seal, strict=True))
            if texts is not None:
                data[TEXTS_FIELD] = texts
        digest = hashlib.sha256(body).hexdigest()
    if digest != data["hash"]:
        refuse(
            problems,
            result,
            device,
            BAD_HASH,
            data["id"],
            f"{data['id']}:{data['hash']}",
            "its content does not match its hash (changed after it was signed)",
            json.dumps(data, ensure_ascii=False),
        )
        return None
    return Checked(data, data["id"], data["prev_hash"], digest, body.decode("utf-8"), rec)


def _body_of_line(line: bytes, data: dict[str, Any]) -> bytes | None:
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
    body = _cut(line, cuts)
    if body is None:
        return None
    for name in _CUT_NAMES:
        if name in body:
            return None
    return body if hashlib.sha256(body).hexdigest() == data["hash"] else None


def _cut(line: bytes, cuts: list[tuple[int, int]]) -> bytes | None:
    """`line` without the (start, end) spans `cuts`, in order; None if two of them overlap."""
    pieces, at = [], 0
    for start, end in cuts:
        if start < at:
            return None
        pieces.append(line[at:start])
        at = end
    pieces.append(line[at:])
    return b"".join(pieces)


_TEXTS = b',"' + TEXTS_FIELD.encode() + b'":'
_NO_TEXTS = _TEXTS + b"{}"
#: The keys cut from a canonical line, as they would stand in what is left if given twice.
_CUT_NAMES = tuple(f'"{name}":'.encode() for name in (*SEAL_FIELDS, TEXTS_FIELD))


def _check_content(
    device: str, ctx: Context, problems: list[tuple[Any, ...]], result: IngestResult
) -> Callable[[Checked], bool]:
    """A check of one authentic record against the content rules; refuses it if it fails."""

    def sound(c: Checked) -> bool:
        reasons = broken(CONTENT_RULES, c.data, ctx)
        if reasons:
            detail = "; ".join(reasons)
            refuse(problems, result, device, CONTENT, c.rec_id, c.hash, detail, c.text)
        return not reasons

    return sound


def _drop_known(
    conn: Any, candidates: list[Checked], problems: list[tuple[Any, ...]], result: IngestResult
) -> list[Checked]:
    """Records already stored: the same one is acknowledged again, another under its id refused."""
    known: dict[str, tuple[str, str]] = {}
    for part in chunks([c.rec_id for c in candidates]):
        marks = ",".join("?" * len(part))
        for rid, digest, dev in conn.execute(
            f"SELECT id, hash, device FROM records WHERE id IN ({marks})", part
        ):
            known[rid] = (digest, dev)
        # A record removed at retention and sent again is acknowledged, never stored again.
        for rid, digest, dev in conn.execute(
            f"SELECT id, hash, device FROM removed_records WHERE id IN ({marks})", part
        ):
            known[rid] = (digest, dev)
    fresh = []
    for c in candidates:
        found = known.get(c.rec_id)
        if found is None:
            fresh.append(c)
        elif found[0] == c.hash:
            result.duplicates += 1
            result.acknowledged.append(c.rec_id)
        else:
            refuse(
                problems,
                result,
                c.data["device"],
                ID_REUSE,
                c.rec_id,
                f"{c.rec_id}:{c.hash}",
                f"central already holds another record with id {quote(c.rec_id)} "
                f"(from device {found[1]}); this one was not stored",
                c.text,
            )
    return fresh


def _authenticate(fresh: list[Checked], public_key: str) -> set[str]:
    """Hashes of the records whose signature (directly or through their run's tail) holds."""
    by_hash = {c.hash: c for c in fresh}
    has_child = {c.prev for c in fresh if c.prev in by_hash}
    good: set[str] = set()
    for tail in (c for c in fresh if c.hash not in has_child):
        run = [tail]
        while run[-1].prev in by_hash and run[-1].prev not in good:
            run.append(by_hash[run[-1].prev])
        if _signed(tail, public_key):
            good.update(c.hash for c in run)
        else:
            good.update(c.hash for c in run[1:] if _signed(c, public_key))
    return good


def _signed(c: Checked, public_key: str) -> bool:
    sig = c.data.get("signature")
    return isinstance(sig, str) and verify_signature(public_key, bytes.fromhex(c.hash), sig)
