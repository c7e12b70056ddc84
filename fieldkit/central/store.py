"""The central store sync/central.db: devices and credentials, records, problems, plan versions."""

from __future__ import annotations

import hmac
import secrets
import threading
from pathlib import Path
from typing import Any

import sqlite_utils

from fieldkit.central.devices import SCRYPT, TOUCH_EVERY, DeviceRegistry, hash_secret
from fieldkit.central.errors import (
    ACTIVE,
    REVOKED,
    AuthError,
    CentralError,
    ForbiddenError,
)
from fieldkit.central.reading import StoreReading
from fieldkit.central.schema import (
    create_access_log,
    create_device_counts,
    create_followup_events,
    create_record_texts,
    create_retention,
    create_schema,
    create_short_ids,
    create_users,
    index_hashes_by_device,
)
from fieldkit.central.unlock import open_central_db
from fieldkit.encrypted_store import DATABASE_ERRORS
from fieldkit.i18n import _
from fieldkit.wire.keys import SigningKey
from fieldkit.wire.seal import SealKey

__all__ = [
    "ACTIVE",
    "APPLICATION_ID",
    "CENTRAL_KEY",
    "REVOKED",
    "SCHEMA_VERSION",
    "SCRYPT",
    "TOUCH_EVERY",
    "AuthError",
    "Central",
    "CentralError",
    "ForbiddenError",
    "central_path",
    "central_status",
    "hash_secret",
]

CENTRAL_FILE = "central.db"
CENTRAL_KEY = "central.key"
#: Central's X25519 key (encrypted with a key of the store's): devices seal bundles to it.
CENTRAL_SEAL_KEY = "central.seal"
#: PRAGMA application_id of a central store ("FKCS").
APPLICATION_ID = 0x464B4353
SCHEMA_VERSION = 9
CENTRAL_KEY_ADVICE = (
    "If someone else may have copied it, they could forge answer bundles that devices accept"
)


def central_path(sync_folder: Path) -> Path:
    return sync_folder / CENTRAL_FILE


class Central(DeviceRegistry, StoreReading):
    """One central store: its devices (devices.py) and reads (reading.py) on one connection.
    Thread-safe: every use of the connection holds `lock`."""

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
        self._signing: SigningKey | None = None
        self._sealing: SealKey | None = None
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
        """Central's own Ed25519 key (sync/central.key), made on first use: signs answers.
        Read once per open store (a bundle's answer is signed with it every time)."""
        if self._signing is None:
            self._signing = self._load_signing_key()
        return self._signing

    def _load_signing_key(self) -> SigningKey:
        private = self.path.with_name(CENTRAL_KEY)
        if not private.exists():
            SigningKey.generate().save(private, private.with_suffix(".pub"))
        return SigningKey.load(private, "central's signing key", CENTRAL_KEY_ADVICE)

    def sealing_key(self) -> SealKey:
        """Central's X25519 key (sync/central.seal, encrypted with a key of the store's), made
        on first use: devices seal their bundles to its public half. Read once per open store
        (unwrapping it costs a key derivation; every bundle is opened with it)."""
        if self._sealing is None:
            self._sealing = self._load_sealing_key()
        return self._sealing

    def _load_sealing_key(self) -> SealKey:
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
            index_hashes_by_device(self.conn)  # version 9: hashes indexed under their device
            self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def central_status(sync_folder: Path) -> dict[str, Any] | None:
    """Central's status when this workspace is central (sync/central.db exists), else None."""
    path = central_path(sync_folder)
    if not path.exists():
        return None
    with Central(path) as store:
        return {**store.status(), "open_problems": store.problems(open_only=True)}
