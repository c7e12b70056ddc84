"""Retention at central: past its review date a record's sensitive text is deleted, and past a
second one a whole engagement of no concern, leaving a signed trace so every chain verifies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldkit.central.chain_verify import ChainVerification, verify_chains
from fieldkit.central.problems import chunks
from fieldkit.central.store import Central, CentralError
from fieldkit.codes.retention import NO_CONCERNS, RetentionPolicy, retention_policy
from fieldkit.errors import quote
from fieldkit.wire.protocol import now_iso

NO_CONCERN_PAST = "engagement of no concern past its review date"


@dataclass(frozen=True)
class Version:
    """One stored record of an engagement, as retention reads it (never its text)."""

    id: str
    amends: str | None
    hlc: str
    day: date
    outcomes: frozenset[str]
    of_concern: bool
    texts: int


@dataclass(frozen=True)
class StoredEngagement:
    """An engagement's versions (its first record and every amendment), oldest first."""

    operation: str
    versions: tuple[Version, ...]

    @property
    def latest(self) -> Version:
        return max(self.versions, key=lambda v: (v.hlc, v.id))

    @property
    def outcomes(self) -> frozenset[str]:
        return frozenset().union(*(v.outcomes for v in self.versions))

    @property
    def no_concern(self) -> bool:
        """Every version says no concerns and nothing else: no signs, no persons."""
        return all(not v.of_concern for v in self.versions)

    @property
    def texts(self) -> int:
        return sum(v.texts for v in self.versions)


@dataclass
class OperationRemovals:
    """What retention removes (or would) in one operation, by record id."""

    operation: str
    policy: RetentionPolicy
    #: record id -> the number of its texts removed (the records themselves stay).
    texts: dict[str, int] = field(default_factory=dict)
    #: the ids of the records of whole engagements removed (every version).
    engagements: list[list[str]] = field(default_factory=list)
    #: texts that went with the whole engagements.
    engagement_texts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "policy": self.policy.to_dict(),
            "texts_removed": sum(self.texts.values()),
            "records_with_text_removed": sorted(self.texts),
            "engagements_removed": len(self.engagements),
            "records_removed": sorted(r for e in self.engagements for r in e),
            "texts_removed_with_engagements": self.engagement_texts,
        }


@dataclass
class RetentionResult:
    """Retention of every operation on central as of a date: listed, or applied."""

    as_of: date
    applied: bool
    operations: list[OperationRemovals]

    @property
    def texts_removed(self) -> int:
        return sum(sum(o.texts.values()) + o.engagement_texts for o in self.operations)

    @property
    def engagements_removed(self) -> int:
        return sum(len(o.engagements) for o in self.operations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "applied": self.applied,
            "texts_removed": self.texts_removed,
            "engagements_removed": self.engagements_removed,
            "operations": [o.to_dict() for o in self.operations],
        }


def review(central: Central, as_of: date) -> RetentionResult:
    """What is past its review date on `as_of`, per operation; nothing is changed."""
    policies = operation_policies(central)
    by_op: dict[str, OperationRemovals] = {}
    for eng in engagements(central):
        policy = policies.get(eng.operation) or retention_policy()
        found = by_op.setdefault(eng.operation, OperationRemovals(eng.operation, policy))
        day = eng.latest.day
        if eng.no_concern and policy.no_concern_engagements.after(day) <= as_of:
            found.engagements.append(sorted(v.id for v in eng.versions))
            found.engagement_texts += eng.texts
        elif eng.texts and policy.text_period(eng.outcomes).after(day) <= as_of:
            found.texts.update({v.id: v.texts for v in eng.versions if v.texts})
    return RetentionResult(as_of, False, [by_op[op] for op in sorted(by_op)])


def apply(central: Central, as_of: date) -> tuple[RetentionResult, ChainVerification]:
    """Remove what `review` lists, in one transaction: the texts, then the whole engagements,
    each record's trace (id, device, clock stamp, links, hash and signature) kept first.

    Every chain is checked before and after, inside the transaction: a fault that was not
    there before stops it all (CentralError) and nothing is removed."""
    before = verify_chains(central)
    removed_at = now_iso()
    # Deleted rows are overwritten in the file, not left in its free pages.
    central.conn.execute("PRAGMA secure_delete=ON")
    with central.transaction() as conn:
        result = review(central, as_of)
        for op in result.operations:
            _delete_texts(conn, sorted(op.texts))
            ids = sorted(r for e in op.engagements for r in e)
            _delete_texts(conn, ids)
            _remove_records(conn, ids, op.operation, removed_at)
        after = verify_chains(central)
        new = [f for f in after.faults if f not in before.faults]
        if new:
            raise CentralError(f"retention stopped, nothing was removed: {new[0]}")
    central.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and none stays in the WAL
    result.applied = True
    return result, after


def _delete_texts(conn: Any, ids: list[str]) -> None:
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM record_texts WHERE record_id IN ({marks})", part)


def _remove_records(conn: Any, ids: list[str], operation: str, removed_at: str) -> None:
    """The narrow path: the trace first (the guard on `records` lets only a record with its
    trace go), then the record."""
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        conn.execute(
            "INSERT INTO removed_records (id, device, hlc, prev_hash, hash, signature, amends,"
            " operation, removed_at, reason) SELECT id, device, hlc, prev_hash, hash,"
            f" signature, amends, ?, ?, ? FROM records WHERE id IN ({marks})",
            [operation, removed_at, NO_CONCERN_PAST, *part],
        )
        gone = conn.execute(
            f"SELECT device, count(*) FROM records WHERE id IN ({marks}) GROUP BY device", part
        ).fetchall()
        conn.execute(f"DELETE FROM records WHERE id IN ({marks})", part)
        conn.executemany("UPDATE devices SET stored = stored - ? WHERE device = ?", gone_by(gone))


def gone_by(rows: list[tuple[str, int]]) -> list[tuple[int, str]]:
    """(count, device) for each device's records removed: the devices' counts (schema 7)."""
    return [(count, device) for device, count in rows]


def operation_policies(central: Central) -> dict[str, RetentionPolicy]:
    """Each operation's policy from its newest published loadout that sets one."""
    sections: dict[str, Any] = {}
    for operation, text in central.query("SELECT operation, loadout FROM plans ORDER BY version"):
        section = json.loads(text).get("retention")
        if section is not None:
            sections[operation] = section
    policies = {}
    for operation, section in sections.items():
        try:
            policies[operation] = retention_policy(section)
        except ValueError as exc:
            raise CentralError(
                f"operation {quote(operation)}: its published loadout's {exc}; fix the "
                "playbook's retention and plan again"
            ) from None
    return policies


def engagements(central: Central) -> list[StoredEngagement]:
    """Every engagement on central with its versions, read from the signed bodies."""
    texts = dict(central.query("SELECT record_id, count(*) FROM record_texts GROUP BY record_id"))
    versions: dict[str, tuple[str, Version]] = {}
    for rid, amends, hlc, body in central.query("SELECT id, amends, hlc, body FROM records"):
        data = json.loads(body)
        outcomes = frozenset(data.get("outcomes") or ())
        of_concern = outcomes != {NO_CONCERNS} or bool(data.get("indicators"))
        of_concern = of_concern or bool(data.get("persons"))
        day = date.fromisoformat(str(data["time"])[:10])
        version = Version(rid, amends, hlc, day, outcomes, of_concern, int(texts.get(rid, 0)))
        versions[rid] = (str(data["operation"]), version)
    groups: dict[str, list[Version]] = {}
    operations: dict[str, str] = {}
    for rid, (operation, version) in versions.items():
        root = _root(rid, versions)
        groups.setdefault(root, []).append(version)
        operations.setdefault(root, operation)
    return [
        StoredEngagement(operations[root], tuple(sorted(vs, key=lambda v: (v.hlc, v.id))))
        for root, vs in sorted(groups.items())
    ]


def _root(rid: str, versions: dict[str, tuple[str, Version]]) -> str:
    """The first version an amendment goes back to (as far as central holds it)."""
    seen = {rid}
    while True:
        amends = versions[rid][1].amends
        if amends is None or amends in seen:
            return rid
        if amends not in versions:
            return amends
        seen.add(amends)
        rid = amends
