"""ODK submissions into central: checked against the published form, sealed by central into
its ODK source's chain (one per team), then stored through THE ingest path (ingest.py).

The instanceID is a record's identity: a submission received before is skipped, so a second
import adds nothing. An edited submission (meta/deprecatedID) becomes an amendment of the
record it replaces. The referral rules are flagged, not refused, as for any record.
"""

from __future__ import annotations

import getpass
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fieldkit.central.content import CONTENT_RULES, FORM_RULES, NO_CONTEXT, broken
from fieldkit.central.ingest import ingest
from fieldkit.central.known import device_context
from fieldkit.central.odk_receipts import Receipt, append_receipts, create_receipts, held_instances
from fieldkit.central.odk_record import engagement
from fieldkit.central.odk_submission import Submission, SubmissionError, instance_uuid
from fieldkit.central.problems import CONTENT
from fieldkit.central.shape import shape_problem
from fieldkit.central.store import Central
from fieldkit.forms.identity import form_id, form_version
from fieldkit.model import GENESIS_HASH, Engagement
from fieldkit.wire.protocol import now_iso

ODK_STATUS = "odk"


@dataclass
class OdkResult:
    """What one import did: new records, submissions held already, refusals, rules flagged."""

    new: int = 0
    held: int = 0
    amendments: int = 0
    refused: list[str] = field(default_factory=list)
    flagged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "held": self.held,
            "amendments": self.amendments,
            "refused": self.refused,
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class Published:
    """An operation as central published it: its time zone, plan digests and teams."""

    timezone: str
    plans: frozenset[str]
    teams: frozenset[str]


def published(central: Central) -> dict[str, Published]:
    found: dict[str, tuple[str, set[str], set[str]]] = {}
    for op, team, text in central.query("SELECT operation, team, loadout FROM plans"):
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        tz = str((doc.get("operation") or {}).get("timezone") or "UTC")
        entry = found.setdefault(str(op), (tz, set(), set()))
        entry[1].add(str(doc.get("plan_sha256") or ""))
        entry[2].add(str(team))
    return {op: Published(tz, frozenset(p), frozenset(t)) for op, (tz, p, t) in found.items()}


def check_form(sub: Submission, ops: dict[str, Published]) -> Published:
    """The operation the submission's form is of; SubmissionError for another form/version."""
    op, team = sub.answers.get("operation", ""), sub.answers.get("team", "")
    known = ops.get(op)
    if known is None or sub.form_id not in (form_id(op), form_id(op, team)):
        forms = ", ".join(sorted(form_id(o) for o in ops)) or "none published"
        raise SubmissionError(
            f"{sub.where}: form {sub.form_id!r} is not an engagement form of an operation "
            f"central holds ({forms})"
        )
    if team not in known.teams:
        raise SubmissionError(f"{sub.where}: team {team!r} is not a team of {op}")
    versions = sorted(form_version(p) for p in known.plans)
    if sub.version not in versions:
        raise SubmissionError(
            f"{sub.where}: form version {sub.version!r} is not one central published for {op} "
            f"({', '.join(versions)}): export the form again (fieldkit forms xlsform)"
        )
    return known


def import_submissions(
    central: Central, subs: Iterable[Submission], source: str, received_by: str | None = None
) -> OdkResult:
    """Check, seal and store `subs` (see the module docstring)."""
    result = OdkResult()
    by = received_by or getpass.getuser()
    with central.transaction() as conn:
        create_receipts(conn)
    fresh = _fresh(central, list(subs), result)
    ops = published(central)
    made: dict[str, list[tuple[Submission, Engagement]]] = {}
    for sub in fresh:
        try:
            known = check_form(sub, ops)
            rec = engagement(sub, known.timezone)
        except SubmissionError as exc:
            result.refused.append(str(exc))
            continue
        made.setdefault(rec.device, []).append((sub, rec))
    for device, pairs in made.items():
        _store_device(central, device, pairs, source, by, result)
    return result


def _fresh(central: Central, subs: list[Submission], result: OdkResult) -> list[Submission]:
    """The submissions central has not received (each instanceID once)."""
    with central.lock:
        held = held_instances(
            central.conn, [s.instance_id for s in subs], [instance_uuid(s) for s in subs]
        )
    fresh: dict[str, Submission] = {}
    for sub in subs:
        if sub.instance_id in held or instance_uuid(sub) in held or sub.instance_id in fresh:
            result.held += 1
        else:
            fresh[sub.instance_id] = sub
    return list(fresh.values())


def _register(central: Central, device: str, rec: Engagement, public_key: str) -> None:
    """Central's ODK source for a team, as a device row no credential can open."""
    with central.transaction() as conn:
        if conn.execute("SELECT 1 FROM devices WHERE device = ?", (device,)).fetchone():
            return
        conn.execute(
            "INSERT INTO devices (id, device, team, operation, officer, salt, credential_hash, "
            "public_key, status, enrolled_at, registered_at, head_count) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            (
                device,
                device,
                rec.team,
                rec.operation,
                ODK_STATUS,
                secrets.token_hex(16),
                secrets.token_hex(32),  # no secret hashes to this: nobody signs in as it
                public_key,
                ODK_STATUS,
                now_iso(),
                now_iso(),
            ),
        )


def _store_device(
    central: Central,
    device: str,
    pairs: list[tuple[Submission, Engagement]],
    source: str,
    by: str,
    result: OdkResult,
) -> None:
    key = central.signing_key()
    _register(central, device, pairs[0][1], key.public_hex)
    with central.lock:
        row = central.conn.execute(
            "SELECT hash FROM records WHERE device = ? ORDER BY seq DESC LIMIT 1", (device,)
        ).fetchone()
        ctx = device_context(central, central.conn, device)
    prev = row[0] if row else GENESIS_HASH
    sealed: list[dict[str, Any]] = []
    receipts: list[Receipt] = []
    problems: list[tuple[Any, ...]] = []
    received = now_iso()
    for sub, rec in pairs:
        record = rec.sealed(prev, key.sign)
        data = record.to_dict()
        reasons = [shape_problem(data)] if shape_problem(data) else []
        reasons += broken(FORM_RULES, data, NO_CONTEXT) or broken(CONTENT_RULES, data, ctx)
        stored = not reasons
        if stored:
            sealed.append(data)
            prev = record.hash
            result.amendments += record.amends is not None
        else:
            detail = "; ".join(str(r) for r in reasons)
            result.refused.append(f"{sub.where}: {detail}")
            text = json.dumps(data, ensure_ascii=False)
            problems.append(
                (device, CONTENT, record.id, None, f"odk:{sub.instance_id}", detail, text, received)
            )
        receipts.append(_receipt(sub, record, device, received, by, source, stored))
    done = ingest(central, device, key.public_hex, sealed)
    result.new += done.new
    with central.transaction() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO problems (device, kind, record_id, missing, key, detail, "
            "record, found_at) VALUES (?,?,?,?,?,?,?,?)",
            problems,
        )
        append_receipts(conn, receipts, key)
    result.flagged += _flagged(central, [d["id"] for d in sealed])


def _receipt(
    sub: Submission,
    record: Engagement,
    device: str,
    received: str,
    by: str,
    source: str,
    stored: bool,
) -> Receipt:
    return Receipt(
        record_id=record.id,
        instance_id=sub.instance_id,
        form_id=sub.form_id,
        version=sub.version,
        device=device,
        submitter=sub.submitter,
        submitted_at=sub.submitted_at,
        received_at=received,
        received_by=by,
        source=source,
        submission_sha256=sub.digest,
        record_hash=record.hash if stored else None,
        stored=int(stored),
        media=json.dumps(sub.media),
    )


def _flagged(central: Central, ids: list[str]) -> int:
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    rows = central.query(
        f"SELECT count(*) FROM problems WHERE kind = 'rule' AND record_id IN ({marks})", ids
    )
    return int(rows[0][0])
