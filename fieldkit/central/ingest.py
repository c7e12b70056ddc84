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
from contextlib import closing
from itertools import chain
from typing import Any

from fieldkit.central.bulk import paused_gc
from fieldkit.central.chain_check import chain_problems
from fieldkit.central.content import CONTENT_RULES
from fieldkit.central.form_check import FormFault
from fieldkit.central.form_parallel import Part, checked_parts
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
from fieldkit.central.rules import Context, broken
from fieldkit.central.store import Central, ForbiddenError
from fieldkit.errors import quote
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
    problems, in one transaction. A big bundle comes in parts (form_parallel.py): each is
    stored while the next is still being checked."""
    result = IngestResult()
    problems: list[tuple[Any, ...]] = []
    seen: set[str] = set()  # ids met in the batch: a repeat is dropped
    stored: list[Checked] = []

    def ahead() -> Context:
        with central.lock:
            return device_context(central, central.conn, device)

    with closing(checked_parts(records, lines, ahead)) as parts:
        first = next(parts)  # checked before the store is locked
        with central.transaction() as conn:
            ctx = device_context(central, conn, device)  # read once: the same all through
            received = now_iso()
            for part in chain([first], parts):
                candidates = _candidates(records, part, device, problems, result, seen)
                fresh = _drop_known(conn, candidates, problems, result)
                sound = _check_content(device, ctx, problems, result, part.ahead == ctx)
                trusted = _trusted(device, public_key, fresh, sound, problems, result)
                _insert_records(conn, device, trusted, received)
                stored += trusted
            _after_storing(conn, ctx, device, stored, problems, result, received)
            if also is not None:
                also(conn)
    return result


def _after_storing(
    conn: Any,
    ctx: Context,
    device: str,
    stored: list[Checked],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    received: str,
) -> None:
    """The stored records' texts, referral rules, chain problems, conflicts and head."""
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


def _candidates(
    records: list[dict[str, Any]],
    part: Part,
    device: str,
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    seen: set[str],
) -> list[Checked]:
    """The part's records whose form and hash hold, each id once in the batch (`seen`)."""
    candidates: list[Checked] = []
    mine = records[part.start : part.start + len(part.verdicts)]
    for data, verdict in zip(mine, part.verdicts, strict=True):
        if isinstance(verdict, FormFault):
            _refuse_form(data, verdict, device, problems, result)
        elif verdict.rec_id not in seen:
            seen.add(verdict.rec_id)
            candidates.append(verdict)
    return candidates


def _trusted(
    device: str,
    public_key: str,
    fresh: list[Checked],
    sound: Callable[[Checked], bool],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> list[Checked]:
    """The new records signed with the device's key whose content is `sound`; others refused."""
    authentic = _authenticate(fresh, public_key)
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


def _refuse_form(
    data: Any,
    fault: FormFault,
    device: str,
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> None:
    """Refuse a record whose form or hash did not hold (form_check.py)."""
    if fault.kind == BAD_HASH:
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
        return
    text = record_text(data)
    rid = data.get("id") if isinstance(data, dict) else None
    rid = rid if isinstance(rid, str) else None  # an id of another type is no id
    key = hashlib.sha256(text.encode()).hexdigest()
    detail = f"not a valid record: {fault.reason}"
    refuse(problems, result, device, MALFORMED, rid, key, detail, text)


def _check_content(
    device: str,
    ctx: Context,
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    found_ahead: bool = False,
) -> Callable[[Checked], bool]:
    """A check of one authentic record against the content rules; refuses it if it fails.
    With `found_ahead`, a record's reasons found against this very context are taken."""

    def sound(c: Checked) -> bool:
        if found_ahead and c.content is not None:
            reasons: list[str] | tuple[str, ...] = c.content
        else:
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
