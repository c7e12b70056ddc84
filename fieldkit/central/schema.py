"""The tables of the central store (sync/central.db), created once by its first migration."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def create_schema(db: sqlite_utils.Database) -> None:
    """Devices and credentials, records, problems, conflicts, plan versions, bundles."""
    create_devices(db)
    create_records(db)
    create_problems(db)
    create_plans(db)


def create_devices(db: sqlite_utils.Database) -> None:
    """Enrolled devices: their credential (hashed), the key they registered, their chain head."""
    db.table("devices").create(
        {
            "id": str,
            "device": str,
            "team": str,
            "operation": str,
            "officer": str,
            "salt": str,
            "credential_hash": str,
            "public_key": str,
            "status": str,
            "enrolled_at": str,
            "registered_at": str,
            "last_seen": str,
            "head_hash": str,
            "head_count": int,
        },
        pk="id",
        not_null={"team", "operation", "officer", "salt", "credential_hash", "status"},
        defaults={"head_count": 0},
    )
    db.table("devices").create_index(["device"], unique=True)


def create_records(db: sqlite_utils.Database) -> None:
    """Stored records: the signed body, its hash and signature, its place in the chain."""
    db.table("records").create(
        {
            "seq": int,
            "id": str,
            "device": str,
            "hlc": str,
            "prev_hash": str,
            "hash": str,
            "signature": str,
            "amends": str,
            "body": str,
            "received_at": str,
        },
        pk="seq",
        not_null={"id", "device", "hlc", "prev_hash", "hash", "signature", "body"},
    )
    db.table("records").create_index(["id"], unique=True)
    db.table("records").create_index(["device", "prev_hash"])
    # Partial: most records amend nothing, and cost this index nothing.
    db.conn.execute("CREATE INDEX idx_records_amends ON records(amends) WHERE amends IS NOT NULL")


def create_problems(db: sqlite_utils.Database) -> None:
    """What ingest refused or found (gaps, forks), and amendments two devices made."""
    db.table("problems").create(
        {
            "n": int,
            "device": str,
            "kind": str,
            "record_id": str,
            "missing": str,
            "key": str,
            "detail": str,
            "record": str,
            "found_at": str,
            "resolved_at": str,
        },
        pk="n",
        not_null={"kind", "key", "detail"},
    )
    db.table("problems").create_index(["kind", "key"], unique=True)
    db.table("problems").create_index(["device", "missing"])
    db.table("conflicts").create(
        {
            "n": int,
            "amends": str,
            "record_a": str,
            "device_a": str,
            "record_b": str,
            "device_b": str,
            "found_at": str,
        },
        pk="n",
    )
    db.table("conflicts").create_index(["record_a", "record_b"], unique=True)


def create_plans(db: sqlite_utils.Database) -> None:
    """Published plan versions per team, and the bundles imported."""
    db.table("plans").create(
        {
            "version": int,
            "operation": str,
            "team": str,
            "plan_sha256": str,
            "content_sha256": str,
            "loadout": str,
            "published_at": str,
        },
        pk="version",
    )
    db.table("plans").create_index(["operation", "team", "version"])
    db.table("bundles").create(
        {"id": str, "device": str, "records": int, "imported_at": str}, pk="id"
    )


def create_record_texts(conn: Any) -> None:
    """Texts beside format 2 records: removing a row (retention) leaves every chain whole."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS record_texts (record_id TEXT NOT NULL, digest TEXT NOT NULL,"
        " salt TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (record_id, digest))"
    )


def create_followup_events(conn: Any) -> None:
    """Follow-up status events on persons (schema 3): appended, never updated or deleted."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS followup_events (n INTEGER PRIMARY KEY,"
        " record_id TEXT NOT NULL, person INTEGER NOT NULL, person_id TEXT NOT NULL,"
        " operation TEXT NOT NULL, status TEXT NOT NULL, partner TEXT, at TEXT NOT NULL,"
        " entered_by TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS idx_followup_events_person"
        " ON followup_events(record_id, person)"
    )
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS followup_events_no_{verb.lower()} BEFORE {verb}"
            " ON followup_events BEGIN"
            " SELECT RAISE(ABORT, 'follow-up events are appended, never changed'); END"
        )


#: The message of the guard on stored records (schema 4).
RECORDS_KEPT = "stored records are never changed; only retention removes one, leaving its trace"


def create_retention(conn: Any) -> None:
    """Schema 4: the traces of records removed at retention, and the guards that keep records
    append-only except by that one path (a record goes only once its trace is written)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS removed_records (id TEXT PRIMARY KEY, device TEXT NOT NULL,"
        " hlc TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,"
        " signature TEXT NOT NULL, amends TEXT, operation TEXT NOT NULL,"
        " removed_at TEXT NOT NULL, reason TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS idx_removed_records_prev ON removed_records(device, prev_hash)"
    )
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS removed_records_no_{verb.lower()} BEFORE {verb}"
            " ON removed_records BEGIN"
            " SELECT RAISE(ABORT, 'the traces of removed records are kept'); END"
        )
    conn.execute(
        "CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records BEGIN"
        f" SELECT RAISE(ABORT, '{RECORDS_KEPT}'); END"
    )
    conn.execute(
        "CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records"
        " WHEN NOT EXISTS (SELECT 1 FROM removed_records r"
        " WHERE r.id = OLD.id AND r.hash = OLD.hash AND r.signature = OLD.signature)"
        f" BEGIN SELECT RAISE(ABORT, '{RECORDS_KEPT}'); END"
    )


def create_users(conn: Any) -> None:
    """Central's users (a role, an Argon2id password hash) and their API tokens (schema 5)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
        " password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL, disabled_at TEXT)"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS api_tokens (id TEXT PRIMARY KEY,"
        " user TEXT NOT NULL REFERENCES users(name), token_hash TEXT NOT NULL,"
        " created_at TEXT NOT NULL)"
    )


def create_access_log(conn: Any) -> None:
    """The access log and its head (schema 5; access_log.py): appended, never updated or
    deleted."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS access_log (n INTEGER PRIMARY KEY, at TEXT NOT NULL,"
        " who TEXT NOT NULL, role TEXT NOT NULL, what TEXT NOT NULL, operation TEXT,"
        " count INTEGER NOT NULL, purpose TEXT NOT NULL, via TEXT NOT NULL,"
        " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS access_log_head (one INTEGER PRIMARY KEY CHECK (one = 1),"
        " count INTEGER NOT NULL, hash TEXT NOT NULL)"
    )
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS access_log_no_{verb.lower()} BEFORE {verb}"
            " ON access_log BEGIN"
            " SELECT RAISE(ABORT, 'the access log is appended, never changed'); END"
        )


def create_device_counts(conn: Any) -> None:
    """Schema 7: each device's count of stored records (central status reads it instead of
    counting a national store), kept by ingest and retention in the transaction that stores or
    removes them, once per batch. Schema 6 kept it by triggers, one write per record: they go,
    and the counts are taken again."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(devices)")}
    if "stored" not in columns:
        conn.execute("ALTER TABLE devices ADD COLUMN stored INTEGER NOT NULL DEFAULT 0")
    conn.execute("DROP TRIGGER IF EXISTS records_counted")
    conn.execute("DROP TRIGGER IF EXISTS records_uncounted")
    conn.execute(
        "UPDATE devices SET stored = (SELECT count(*) FROM records r"
        " WHERE r.device = devices.device) WHERE device IS NOT NULL"
    )


def create_short_ids(conn: Any) -> None:
    """Schema 8: each record's short id (one b-tree, by short id), and the mark of the last
    record read into it, as numbers: the short id's 40 bits and the record's seq. A removed
    record's row stays (its seq no longer names it); the mark goes back so that a record given
    a removed one's `seq` is read."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS record_short_ids (short INTEGER NOT NULL, seq INTEGER NOT"
        " NULL, PRIMARY KEY (short, seq)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS record_short_ids_mark"
        " (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL)"
    )
    conn.execute("INSERT OR IGNORE INTO record_short_ids_mark (one, seq) VALUES (1, 0)")
    conn.execute(
        "CREATE TRIGGER IF NOT EXISTS records_short_id_gone AFTER DELETE ON records BEGIN"
        " UPDATE record_short_ids_mark SET seq ="
        " min(seq, (SELECT coalesce(max(seq), 0) FROM records)); END"
    )


def index_hashes_by_device(conn: Any) -> None:
    """Schema 9: records' hashes indexed under their device, (device, hash), unique. A hash
    alone is random: a bundle's records each wrote a page of its own somewhere in a national
    store's index; under its device, a bundle writes a few pages side by side. Every lookup
    of a hash knows its device (a chain's links stay within one device)."""
    conn.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS idx_records_device_hash ON records(device, hash)"
    )
    conn.execute("DROP INDEX IF EXISTS idx_records_hash")
