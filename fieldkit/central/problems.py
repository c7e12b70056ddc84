"""What ingest refused and why: problem kinds, the checked record, the result of one ingest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fieldkit.central.content import shown_id
from fieldkit.model import Engagement, Person
from fieldkit.wire.protocol import now_iso

GAP, FORK, BAD_SIGNATURE, BAD_HASH, ID_REUSE, MALFORMED, CONTENT = (
    "gap",
    "fork",
    "bad signature",
    "bad hash",
    "id reuse",
    "malformed",
    "content",
)
CHUNK = 500


@dataclass
class IngestResult:
    """What one ingest did: acknowledged ids, how many were new, what was refused."""

    acknowledged: list[str] = field(default_factory=list)
    new: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """What the steps after the form check need of a record the model read: small, so a
    record checked in another process comes back without being read again.

    `rules` is what the referral rules read: (persons, indicators, outcomes, officer).
    `faults` are the (path, digest) of texts beside the record that do not match the digest
    the record was signed with.
    """

    rules: tuple[tuple[Person, ...], tuple[str, ...], tuple[str, ...], str]
    faults: tuple[tuple[str, str], ...] = ()


def reading_of(rec: Engagement, texts: bool) -> Reading:
    """The Reading of `rec`; its texts' faults are looked for only when it has `texts`."""
    faults: tuple[tuple[str, str], ...] = ()
    if texts:
        digests = {seal.path: seal.digest for seal in rec.seals}
        faults = tuple((path, digests[path]) for path in rec.text_faults())
    return Reading((rec.persons, rec.indicators, rec.outcomes, rec.officer), faults)


@dataclass
class Checked:
    """A record whose form and hash held: its data, id, predecessor, hash and signed body."""

    data: dict[str, Any]
    rec_id: str
    prev: str
    hash: str
    body: str
    #: What later steps need of the record read by the shape check (None: a format 1 record
    #: the model cannot read).
    reading: Reading | None = None
    #: The content rules' reasons, when they were found ahead (form_parallel.py).
    content: tuple[str, ...] | None = None

    @property
    def text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False)


def record_text(data: Any) -> str:
    """A received record as JSON text that can be stored whatever it holds (lone surrogates are
    kept as JSON escapes)."""
    text = json.dumps(data, ensure_ascii=False, default=repr)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, default=repr)
    return text


def refuse(
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    device: str,
    kind: str,
    rec_id: Any,
    key: str,
    detail: str,
    text: str | None,
    missing: str | None = None,
) -> None:
    """Note a problem row (device, kind, record id, missing, key, detail, record text); a
    refused record is also listed in the result's `rejected` (a gap or fork refuses none)."""
    shown = shown_id(rec_id)
    problems.append((device, kind, shown, missing, key, detail, text))
    if kind not in (GAP, FORK):
        result.rejected.append({"id": shown, "kind": kind, "detail": detail})


def resolve_refusals(conn: Any, hashes: list[str]) -> None:
    """Records refused for their content before and stored now (central has learnt, say, a new
    code from a newer plan): their `content` problems are resolved."""
    for part in chunks(hashes):
        marks = ",".join("?" * len(part))
        conn.execute(
            f"UPDATE problems SET resolved_at = ? WHERE kind = '{CONTENT}' "
            f"AND resolved_at IS NULL AND key IN ({marks})",
            [now_iso(), *part],
        )


def chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
