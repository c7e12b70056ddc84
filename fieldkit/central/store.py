"""The central store sync/central.db: devices and credentials, records, problems, plan versions."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from fieldkit.central.schema import (
    create_access_log,
    create_device_counts,
    create_followup_events,
    create_record_texts,
    create_retention,
    create_schema,
    create_short_ids,
    create_users,
)
from fieldkit.central.unlock import open_central_db
from fieldkit.encrypted_store import DATABASE_ERRORS
from fieldkit.errors import UserError, quote
from fieldkit.i18n import _
from fieldkit.model import ENGAGEMENT_FORMAT_2, TEXTS_FIELD
from fieldkit.wire.keys import SigningKey
from fieldkit.wire.protocol import now_iso
from fieldkit.wire.seal import SealKey

CENTRAL_FILE = "central.db"
CENTRAL_KEY = "central.key"
#: Central's X25519 key (encrypted with a key of the store's): devices seal bundles to it.
CENTRAL_SEAL_KEY = "central.seal"
#: PRAGMA application_id of a central store ("FKCS").
APPLICATION_ID = 0x464B4353
SCHEMA_VERSION = 8
ACTIVE, REVOKED = "active", "revoked"
#: scrypt cost: ~30 ms to check a credential once; verified ones are remembered in memory.
#: Seconds between two notes of a device's `last_seen`.
TOUCH_EVERY = 5.0
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
CENTRAL_KEY_ADVICE = (
    "If someone else may have copied it, they could forge answer bundles that devices accept"
)


class CentralError(UserError):
    """The central store cannot be used as asked."""


class AuthError(CentralError):
    """Unknown or revoked device, or a wrong credential (HTTP 401)."""


class ForbiddenError(CentralError):
    """An authenticated device asking for what is not its own (HTTP 403)."""


def hash_secret(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, **SCRYPT).hex()  # type: ignore[arg-type]


def central_path(sync_folder: Path) -> Path:
    return sync_folder / CENTRAL_FILE


class Central:
    """One central store. Thread-safe: every use of the connection holds `lock`."""

    def __init__(self, path: Path, create: bool = False, keyfile: Path | None = None) -> None:
        """Open (with `create`, make) the store, unlocked as central/unlock.py says; `keyfile`
        is `central init --store-keyfile`."""
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise CentralError(
                _("no central store at {path}: make one with `fieldkit central init`").format(
                    path=self.path
                )
            )
        self.conn, data_key = open_central_db(self.path, create, keyfile)
        self._seal_password = hmac.new(data_key, b"central sealing key", "sha256").hexdigest()
        self.db = sqlite_utils.Database(self.conn, execute_plugins=False)
        self.lock = threading.RLock()
        self._verified: dict[str, bytes] = {}
        self._seen: dict[str, float] = {}
        self._pepper = secrets.token_bytes(16)
        #: What central knows of each operation's plan (known.py), by plan version.
        self.known: dict[str, tuple[Any, Any]] = {}
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            # FULL: an acknowledgement is only sent for records that reached the disk.
            self.conn.execute("PRAGMA synchronous=FULL")
            # Room for the hash indexes' pages (random keys): big batches stay in memory.
            self.conn.execute("PRAGMA cache_size=-65536")
            self._migrate()
        except DATABASE_ERRORS as exc:
            raise CentralError(
                _("{path}: not a usable central store ({exc})").format(path=self.path, exc=exc)
            ) from None

    def close(self) -> None:
        self.conn.close()

    def signing_key(self) -> SigningKey:
        """Central's own Ed25519 key (sync/central.key), made on first use: signs answers."""
        private = self.path.with_name(CENTRAL_KEY)
        if not private.exists():
            SigningKey.generate().save(private, private.with_suffix(".pub"))
        return SigningKey.load(private, "central's signing key", CENTRAL_KEY_ADVICE)

    def sealing_key(self) -> SealKey:
        """Central's X25519 key (sync/central.seal, encrypted with a key of the store's), made
        on first use: devices seal their bundles to its public half."""
        private = self.path.with_name(CENTRAL_SEAL_KEY)
        password = self._seal_password.encode()
        if not private.exists():
            try:
                SealKey.generate().save(private, password)
            except FileExistsError:
                pass  # made meanwhile by another process: that one is the key
        return SealKey.load(private, "central's sealing key", password)

    def __enter__(self) -> Central:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------

    def _migrate(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID and self.db.table_names():
            raise CentralError(
                _("{path} is a SQLite database but not a central store").format(path=self.path)
            )
        if version >= SCHEMA_VERSION:
            return
        with self.transaction():
            if version < 1:
                create_schema(self.db)
            create_record_texts(self.conn)  # version 2: format 2's texts beside the records
            create_followup_events(self.conn)  # version 3: follow-up status events on persons
            create_retention(self.conn)  # version 4: removed records' traces, records guarded
            create_users(self.conn)  # version 5: users, roles, API tokens and the access log
            create_access_log(self.conn)
            create_device_counts(self.conn)  # versions 6, 7: each device's records counted
            create_short_ids(self.conn)  # version 8: the short ids a commander types
            self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock; ROLLBACK on any error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    # -- devices -------------------------------------------------------------------

    def enroll_device(
        self, team: str, operation: str, officer: str, device_id: str | None = None
    ) -> tuple[str, str]:
        """A new device slot and its credential: (device id, secret). The secret is not kept."""
        device_id = device_id or f"{team}-{secrets.token_hex(4)}"
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM devices WHERE id = ?", (device_id,)).fetchone():
                raise CentralError(
                    _("device {device_id} is already enrolled on central").format(
                        device_id=device_id
                    )
                )
            conn.execute(
                "INSERT INTO devices (id, team, operation, officer, salt, credential_hash, "
                "status, enrolled_at, head_count) VALUES (?,?,?,?,?,?,?,?,0)",
                (
                    device_id,
                    team,
                    operation,
                    officer,
                    salt.hex(),
                    hash_secret(secret, salt),
                    ACTIVE,
                    now_iso(),
                ),
            )
        return device_id, secret

    def revoke(self, device_id: str) -> None:
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE devices SET status = ? WHERE id = ? OR device = ?",
                (REVOKED, device_id, device_id),
            )
            if cur.rowcount == 0:
                known = [r[0] for r in conn.execute("SELECT id FROM devices ORDER BY id")]
                raise CentralError(
                    _("no device {device_id} on central (enrolled: {known})").format(
                        device_id=quote(device_id), known=", ".join(known) or "none"
                    )
                )
        self._verified.clear()

    def authenticate(self, credential_id: str, secret: str) -> dict[str, Any]:
        """The device row for a credential; AuthError when unknown, revoked or wrong."""
        row = self.device_row(credential_id)
        if row is None or row["status"] != ACTIVE:
            raise AuthError(
                _(
                    "unknown or revoked device: ask central for a new credential (fieldkit "
                    "central enroll-device)"
                )
            )
        remembered = hmac.new(self._pepper, secret.encode(), "sha256").digest()
        known = self._verified.get(credential_id)
        if known is not None and hmac.compare_digest(known, remembered):
            return row
        digest = hash_secret(secret, bytes.fromhex(row["salt"]))
        if not hmac.compare_digest(digest, row["credential_hash"]):
            raise AuthError(
                _("wrong credential for device {credential_id}").format(credential_id=credential_id)
            )
        self._verified[credential_id] = remembered
        return row

    def device_row(self, credential_id: str) -> dict[str, Any] | None:
        with self.lock:
            cur = self.conn.execute("SELECT * FROM devices WHERE id = ?", (credential_id,))
            found = cur.fetchone()
            names = [d[0] for d in cur.description]
        return dict(zip(names, found, strict=True)) if found else None

    def device_by_record_id(self, device: str) -> dict[str, Any] | None:
        rows = self.query("SELECT id FROM devices WHERE device = ?", (device,))
        return self.device_row(rows[0][0]) if rows else None

    def bind(self, row: dict[str, Any], device: str, public_key: str) -> dict[str, Any]:
        """Trust on first use: the first push binds the credential to a device id and key.

        The row is read again inside the transaction, so of two first pushes racing on one
        credential only the first binds; the other is checked against what it bound.
        """
        if _bound_to(row, device, public_key):
            return row
        with self.transaction() as conn:
            now = conn.execute(
                "SELECT device, public_key FROM devices WHERE id = ?", (row["id"],)
            ).fetchone()
            current = {**row, "device": now[0], "public_key": now[1]} if now else row
            if _bound_to(current, device, public_key):
                return current
            taken = conn.execute(
                "SELECT id FROM devices WHERE device = ? AND id != ?", (device, row["id"])
            ).fetchone()
            if taken:
                raise ForbiddenError(
                    _("device id {device} is already registered on central").format(
                        device=quote(device)
                    )
                )
            conn.execute(
                "UPDATE devices SET device = ?, public_key = ?, registered_at = ? WHERE id = ?",
                (device, public_key, now_iso(), row["id"]),
            )
        return {**row, "device": device, "public_key": public_key}

    def touch(self, credential_id: str) -> None:
        """Note the device was seen (at most every few seconds: each note is a disk write)."""
        now = time.monotonic()
        if now - self._seen.get(credential_id, -TOUCH_EVERY) < TOUCH_EVERY:
            return
        self._seen[credential_id] = now
        with self.lock:
            self.conn.execute(
                "UPDATE devices SET last_seen = ? WHERE id = ?", (now_iso(), credential_id)
            )

    # -- reading -------------------------------------------------------------------

    def record_count(self, device: str | None = None) -> int:
        if device is None:
            return int(self.query("SELECT count(*) FROM records")[0][0])
        return int(self.query("SELECT count(*) FROM records WHERE device = ?", (device,))[0][0])

    def records(self, device: str | None = None) -> list[dict[str, Any]]:
        """Stored records in central's order (hlc, device, id): the same on every central.

        A record is kept as `body` (the exact canonical bytes its hash covers) with its hash and
        signature beside it; `Engagement.from_dict` of what this returns is the device's record.
        """
        sql, args = "SELECT body, hash, signature FROM records", []
        if device is not None:
            sql, args = sql + " WHERE device = ?", [device]
        rows = self.query(sql + " ORDER BY hlc, device, id", args)
        records = [{**json.loads(body), "hash": h, "signature": sig} for body, h, sig in rows]
        with self.lock:
            texts = _texts_of(self.conn)
        for r in records:
            if r.get("format") == ENGAGEMENT_FORMAT_2:
                r[TEXTS_FIELD] = texts.get(r["id"], {})
        return records

    def problems(self, open_only: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT n, device, kind, record_id, detail, found_at, resolved_at FROM problems"
        if open_only:
            sql += " WHERE resolved_at IS NULL"
        names = ("n", "device", "kind", "record", "detail", "found_at", "resolved_at")
        return [dict(zip(names, r, strict=True)) for r in self.query(sql + " ORDER BY n")]

    def conflicts(self) -> list[dict[str, Any]]:
        names = ("amends", "record_a", "device_a", "record_b", "device_b", "found_at")
        rows = self.query(f"SELECT {', '.join(names)} FROM conflicts ORDER BY n")
        return [dict(zip(names, r, strict=True)) for r in rows]

    def status(self) -> dict[str, Any]:
        """Devices (last seen, records, chain head), totals, open problems and conflicts."""
        devices = []
        open_by = dict(
            self.query(
                "SELECT device, count(*) FROM problems WHERE resolved_at IS NULL GROUP BY device"
            )
        )
        for r in self.query(
            "SELECT id, device, team, operation, officer, status, last_seen, head_count, "
            "stored FROM devices ORDER BY team, id"
        ):
            devices.append(
                {
                    "id": r[0],
                    "device": r[1],
                    "team": r[2],
                    "operation": r[3],
                    "officer": r[4],
                    "status": r[5],
                    "last_seen": r[6],
                    "records": r[8] if r[1] is not None else 0,
                    "unbroken": r[7],
                    "open_problems": open_by.get(r[1], 0),
                }
            )
        return {
            "central": str(self.path),
            "devices": devices,
            # Every stored record's device is enrolled: the counts the triggers keep add up.
            "records": sum(d["records"] for d in devices),
            "problems": {
                "open": int(
                    self.query("SELECT count(*) FROM problems WHERE resolved_at IS NULL")[0][0]
                ),
                "resolved": int(
                    self.query("SELECT count(*) FROM problems WHERE resolved_at IS NOT NULL")[0][0]
                ),
            },
            "conflicts": int(self.query("SELECT count(*) FROM conflicts")[0][0]),
            "plan_versions": int(self.query("SELECT count(*) FROM plans")[0][0]),
        }


def central_status(sync_folder: Path) -> dict[str, Any] | None:
    """Central's status when this workspace is central (sync/central.db exists), else None."""
    path = central_path(sync_folder)
    if not path.exists():
        return None
    with Central(path) as store:
        return {**store.status(), "open_problems": store.problems(open_only=True)}


def _texts_of(conn: Any) -> dict[str, dict[str, dict[str, str]]]:
    """{record id: {digest: {salt, text}}}: the texts kept beside format 2 records."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    rows = conn.execute("SELECT record_id, digest, salt, text FROM record_texts")
    for rid, digest, salt, text in rows:
        found.setdefault(rid, {})[digest] = {"salt": salt, "text": text}
    return found


def _bound_to(row: dict[str, Any], device: str, public_key: str) -> bool:
    """True when the credential's row is bound to this device and key; False when unbound;
    ForbiddenError when it is bound to another device or another key."""
    if row["device"] is None:
        return False
    if row["device"] != device:
        raise ForbiddenError(
            _("this credential belongs to device {device}, not {asked}").format(
                device=row["device"], asked=quote(device)
            )
        )
    if row["public_key"] != public_key:
        raise ForbiddenError(
            _(
                "device {device} is registered on central with another key; a "
                "re-enrolled device needs a new credential (fieldkit central "
                "enroll-device)"
            ).format(device=quote(device))
        )
    return True
