"""A SQLCipher database opened with a data key; a plain SQLite store encrypted in place.

The data key comes from the store's unlock file (at_rest.py); SQLCipher is handed the raw key
(PRAGMA key = "x'...'"), so opening costs no second key derivation. SQLCipher's own error log
is silenced: a wrong key is one WrongKeyError ("file is not a database"), never its warnings.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from fieldkit.at_rest import (
    KEY_BYTES,
    AtRestError,
    WrongKeyError,
    lock_data_key,
    new_data_key,
    read_unlock,
    unlock_data_key,
    unlock_path,
    write_unlock,
)
from fieldkit.i18n import _
from fieldkit.private_files import FILE_MODE, create_private

#: The errors of either database driver (SQLCipher's do not derive from sqlite3's).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)
#: Their operational errors (a full disk, a locked database...).
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.OperationalError,
    sqlcipher3.OperationalError,
)
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_plain_sqlite(path: Path) -> bool:
    """True when `path` is an unencrypted SQLite database (its header says so)."""
    try:
        with path.open("rb") as f:
            return f.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def _key_pragma(data_key: bytes) -> str:
    return f"x'{data_key.hex()}'"


def connect_encrypted(path: Path, data_key: bytes, **options: Any) -> Any:
    """A SQLCipher connection to `path` opened with `data_key` (a new file is made owner-only).

    WrongKeyError when the key does not open it ("file is not a database"); SQLCipher's own
    error log is silenced. `options` are sqlite3.connect's (isolation_level, timeout...).
    """
    if len(data_key) != KEY_BYTES:
        raise AtRestError(_("a data key is 32 bytes"))
    if not Path(path).exists():
        create_private(Path(path))
    conn = sqlcipher3.connect(str(path), **options)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{_key_pragma(data_key)}"')
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongKeyError(
                _("{path}: wrong key, or not an encrypted store").format(path=path)
            ) from None
        raise AtRestError(
            _("{path}: cannot be opened ({exc})").format(path=path, exc=exc)
        ) from None
    return conn


def migrate_plain(path: Path, data_key: bytes) -> dict[str, int]:
    """Encrypt the plain SQLite database at `path` in place with `data_key`.

    The copy (sqlcipher_export) is made beside it, owner-only, its row counts checked table by
    table; only then does it replace the plain file (whose -wal and -shm go with it). Returns
    the rows per table. AtRestError, with the plain file untouched, when anything differs.
    """
    path = Path(path)
    _checkpoint(path)
    target = path.with_name(f".{path.name}.encrypting")
    for leftover in (target, *_sidecars(target)):
        leftover.unlink(missing_ok=True)
    create_private(target)
    plain = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        counts = _table_counts(plain)
        versions = [plain.execute(f"PRAGMA {p}").fetchone()[0] for p in _VERSION_PRAGMAS]
        plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), _key_pragma(data_key)))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        for pragma, value in zip(_VERSION_PRAGMAS, versions, strict=True):
            plain.execute(f"PRAGMA encrypted.{pragma} = {int(value)}")
        plain.execute("DETACH DATABASE encrypted")
    except sqlcipher3.Error as exc:
        target.unlink(missing_ok=True)
        raise AtRestError(
            _("{path}: could not be encrypted ({exc}); it is left as it was").format(
                path=path, exc=exc
            )
        ) from None
    finally:
        plain.close()
    _check_copy(path, target, data_key, counts)
    os.chmod(target, FILE_MODE)
    os.replace(target, path)
    for sidecar in _sidecars(path):
        sidecar.unlink(missing_ok=True)
    return counts


_VERSION_PRAGMAS = ("user_version", "application_id")


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _checkpoint(path: Path) -> None:
    """Fold a plain database's write-ahead log into it, so the copy misses nothing."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise AtRestError(
            _("{path}: not a readable SQLite database ({exc})").format(path=path, exc=exc)
        ) from None
    finally:
        conn.close()


def _table_counts(conn: Any) -> dict[str, int]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    names = [r[0] for r in rows]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _check_copy(path: Path, target: Path, data_key: bytes, counts: dict[str, int]) -> None:
    conn = connect_encrypted(target, data_key)
    try:
        copied = _table_counts(conn)
    finally:
        conn.close()
    if copied != counts:
        target.unlink(missing_ok=True)
        raise AtRestError(
            _(
                "{path}: the encrypted copy does not hold the same rows ({copied} != "
                "{counts}); the plain store is left as it was"
            ).format(path=path, copied=copied, counts=counts)
        )


def unlock_store(
    store: Path,
    passphrase: str | bytes,
    create: bool = False,
    seconds: float | None = None,
    notes: dict[str, str] | None = None,
) -> bytes:
    """The data key of the store at `store`, through its unlock file beside it.

    A store with no unlock file gets one (with `create`, or when it is a plain SQLite
    database); a plain store is then encrypted in place (migrate_plain). `notes` go into a new
    unlock file. WrongKeyError for a wrong passphrase; AtRestError for a store that cannot be
    unlocked.
    """
    store = Path(store)
    keys = unlock_path(store)
    fresh = not store.exists() or store.stat().st_size == 0
    if keys.exists():
        data_key = unlock_data_key(read_unlock(keys), passphrase)
    elif fresh and not create:
        raise AtRestError(_("no store at {store}").format(store=store))
    elif not fresh and not is_plain_sqlite(store):
        raise AtRestError(
            _(
                "{store} is encrypted but its unlock file {name} is missing: restore it "
                "from where it was copied"
            ).format(store=store, name=keys.name)
        )
    else:
        data_key = new_data_key()
        write_unlock(keys, lock_data_key(data_key, passphrase, seconds, notes), exclusive=True)
    if not fresh and is_plain_sqlite(store):
        migrate_plain(store, data_key)
    return data_key


def open_encrypted_store(
    store: Path,
    passphrase: str | bytes,
    create: bool = False,
    seconds: float | None = None,
    notes: dict[str, str] | None = None,
    **options: Any,
) -> Any:
    """unlock_store, then connect_encrypted with its data key: the store, open."""
    data_key = unlock_store(store, passphrase, create, seconds, notes)
    return connect_encrypted(store, data_key, **options)
