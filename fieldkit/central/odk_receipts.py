"""Central's own chain of ODK receipts: who sent each submission, when, and its digest, each
receipt hashed onto the one before and signed with central's key (phones sign nothing)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from fieldkit.model import GENESIS_HASH, canonical_json
from fieldkit.wire.keys import SigningKey, verify_signature

_COLUMNS = (
    "record_id",
    "instance_id",
    "form_id",
    "version",
    "device",
    "submitter",
    "submitted_at",
    "received_at",
    "received_by",
    "source",
    "submission_sha256",
    "record_hash",
    "stored",
    "media",
)


def create_receipts(conn: Any) -> None:
    """The receipts table: appended, never updated or deleted."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS odk_receipts (n INTEGER PRIMARY KEY, record_id TEXT NOT NULL,"
        " instance_id TEXT NOT NULL UNIQUE, form_id TEXT NOT NULL, version TEXT NOT NULL,"
        " device TEXT, submitter TEXT, submitted_at TEXT, received_at TEXT NOT NULL,"
        " received_by TEXT NOT NULL, source TEXT NOT NULL, submission_sha256 TEXT NOT NULL,"
        " record_hash TEXT, stored INTEGER NOT NULL, prev_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL, signature TEXT NOT NULL, media TEXT NOT NULL DEFAULT '[]')"
    )
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS odk_receipts_no_{verb.lower()} BEFORE {verb}"
            " ON odk_receipts BEGIN"
            " SELECT RAISE(ABORT, 'ODK receipts are appended, never changed'); END"
        )


@dataclass(frozen=True)
class Receipt:
    """One submission received: `stored` 1 when its record is held, 0 when it was refused;
    `media` the names of the files that came with it (JSON list; the files are not kept)."""

    record_id: str
    instance_id: str
    form_id: str
    version: str
    device: str | None
    submitter: str | None
    submitted_at: str | None
    received_at: str
    received_by: str
    source: str
    submission_sha256: str
    record_hash: str | None
    stored: int
    media: str = "[]"


def _digest(fields: dict[str, Any], prev: str) -> str:
    return hashlib.sha256(canonical_json({**fields, "prev_hash": prev})).hexdigest()


def append_receipts(conn: Any, receipts: list[Receipt], key: SigningKey) -> None:
    """Chain and sign `receipts` after the last one held (inside the caller's transaction)."""
    row = conn.execute("SELECT hash FROM odk_receipts ORDER BY n DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS_HASH
    for receipt in receipts:
        fields = asdict(receipt)
        digest = _digest(fields, prev)
        conn.execute(
            f"INSERT INTO odk_receipts ({', '.join(_COLUMNS)}, prev_hash, hash, signature) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 3))})",
            (*(fields[c] for c in _COLUMNS), prev, digest, key.sign(bytes.fromhex(digest))),
        )
        prev = digest


def receipt_problems(conn: Any, public_key: str) -> list[str]:
    """What is wrong with the receipts chain: a changed receipt, a broken link, a bad seal."""
    found = []
    prev = GENESIS_HASH
    rows = conn.execute(
        f"SELECT n, {', '.join(_COLUMNS)}, prev_hash, hash, signature FROM odk_receipts ORDER BY n"
    )
    for row in rows:
        n, values, (link, digest, signature) = row[0], row[1:-3], row[-3:]
        fields = dict(zip(_COLUMNS, values, strict=True))
        if link != prev:
            found.append(f"receipt {n}: does not follow receipt {n - 1}")
        if _digest(fields, link) != digest:
            found.append(f"receipt {n}: changed after it was sealed")
        elif not verify_signature(public_key, bytes.fromhex(digest), signature):
            found.append(f"receipt {n}: its seal is not central's key")
        prev = digest
    return found


def held_instances(conn: Any, instance_ids: list[str], record_ids: list[str]) -> set[str]:
    """The instance ids (and record ids) central has received already."""
    held: set[str] = set()
    for ids, sql in (
        (instance_ids, "SELECT instance_id FROM odk_receipts WHERE instance_id IN ({})"),
        (record_ids, "SELECT id FROM records WHERE id IN ({})"),
    ):
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            held.update(r[0] for r in conn.execute(sql.format(marks), part))
    return held
