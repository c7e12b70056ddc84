"""Stores encrypted at rest: a passphrase wraps a random data key that opens a SQLCipher database.

The passphrase (or a key file's contents) goes through scrypt, with parameters tuned to about
half a second on the machine that made the store, into a key-encryption key; that key wraps a
random 256-bit data key with ChaCha20-Poly1305. The parameters and the wrapped key sit beside the
store in a small owner-only JSON file (the unlock file, `NAME.unlock.json`), so changing the
passphrase rewraps 32 bytes and never re-encrypts the store. The data key opens the store as a
SQLCipher 4 database (PRAGMA key with the raw key: no second key derivation).

`FIELDKIT_KDF_SECONDS` sets the time scrypt is tuned to when a store is made (default 0.5; 0
gives the cheapest parameters, for tests). A store already made keeps its own parameters.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldkit.errors import UserError
from fieldkit.private_files import FILE_MODE, create_private, write_private

UNLOCK_FORMAT = "fieldkit-unlock/1"
KDF_SECONDS_ENV = "FIELDKIT_KDF_SECONDS"
#: scrypt's cost is 2**n; the bounds keep a hostile unlock file from asking for gigabytes.
MIN_LOG2_N, MAX_LOG2_N, R, P = 10, 18, 8, 1
DEFAULT_SECONDS = 0.5
KEY_BYTES = 32
NONCE_BYTES = 12
_WRAP_CONTEXT = b"fieldkit data key/1"
#: An unlock file is a few hundred bytes.
MAX_UNLOCK_BYTES = 16 * 1024
#: The errors of either database driver (SQLCipher's do not derive from sqlite3's).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)
_SQLITE_MAGIC = b"SQLite format 3\x00"


class AtRestError(UserError):
    """An encrypted store, its unlock file or its key that cannot be used as asked."""


class WrongKeyError(AtRestError):
    """The passphrase or key does not open this store."""


@dataclass(frozen=True)
class KdfParams:
    """scrypt's salt and cost, as stored in the unlock file."""

    salt: bytes
    log2_n: int
    r: int = R
    p: int = P

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": "scrypt",
            "salt": self.salt.hex(),
            "log2_n": self.log2_n,
            "r": self.r,
            "p": self.p,
        }

    @classmethod
    def from_dict(cls, data: Any, source: str) -> KdfParams:
        """The parameters in `data`; AtRestError when any is missing or out of bounds."""
        if not isinstance(data, dict) or data.get("name") != "scrypt":
            raise AtRestError(f"{source}: the key derivation is not scrypt")
        salt, log2_n, r, p = (data.get(k) for k in ("salt", "log2_n", "r", "p"))
        if (
            not isinstance(salt, str)
            or not re.fullmatch(r"(?:[0-9a-f]{2}){16,64}", salt)
            or type(log2_n) is not int
            or not MIN_LOG2_N <= log2_n <= MAX_LOG2_N
            or type(r) is not int
            or not 1 <= r <= 32
            or type(p) is not int
            or not 1 <= p <= 16
        ):
            raise AtRestError(f"{source}: the key derivation's parameters are damaged")
        return cls(bytes.fromhex(salt), log2_n, r, p)


def kdf_seconds(seconds: float | None = None) -> float:
    """The time to tune scrypt to: `seconds`, else FIELDKIT_KDF_SECONDS, else 0.5."""
    if seconds is not None:
        return max(0.0, seconds)
    raw = os.environ.get(KDF_SECONDS_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_SECONDS
    except ValueError:
        raise AtRestError(f"{KDF_SECONDS_ENV}={raw!r} is not a number of seconds") from None


def tune_kdf(seconds: float | None = None) -> KdfParams:
    """New scrypt parameters (a fresh salt) that take about `seconds` on this machine."""
    target = kdf_seconds(seconds)
    salt = secrets.token_bytes(16)
    if target <= 0:
        return KdfParams(salt, MIN_LOG2_N)
    probe = 12
    start = time.perf_counter()
    Scrypt(salt=salt, length=KEY_BYTES, n=2**probe, r=R, p=P).derive(b"probe")
    took = max(time.perf_counter() - start, 1e-6)
    log2_n = probe
    while log2_n < MAX_LOG2_N and took * 2 ** (log2_n + 1 - probe) <= target * 1.2:
        log2_n += 1
    return KdfParams(salt, max(MIN_LOG2_N, log2_n))


def derive_kek(passphrase: str | bytes, params: KdfParams) -> bytes:
    """The key-encryption key of `passphrase` under `params` (scrypt)."""
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    kdf = Scrypt(salt=params.salt, length=KEY_BYTES, n=2**params.log2_n, r=params.r, p=params.p)
    return kdf.derive(secret)


def new_data_key() -> bytes:
    """A random 256-bit data key: what actually encrypts a store."""
    return secrets.token_bytes(KEY_BYTES)


def wrap_key(data_key: bytes, kek: bytes, context: bytes = b"") -> bytes:
    """`data_key` sealed with `kek` (ChaCha20-Poly1305): nonce + ciphertext + tag.

    `context` is authenticated too: the same bytes must be given to unwrap it.
    """
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + ChaCha20Poly1305(kek).encrypt(nonce, data_key, _WRAP_CONTEXT + context)


def unwrap_key(wrapped: bytes, kek: bytes, context: bytes = b"") -> bytes:
    """The data key in `wrapped`; WrongKeyError for another key, context or any change."""
    try:
        nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        key = ChaCha20Poly1305(kek).decrypt(nonce, sealed, _WRAP_CONTEXT + context)
    except (InvalidTag, ValueError):
        raise WrongKeyError("wrong passphrase or key") from None
    if len(key) != KEY_BYTES:
        raise WrongKeyError("wrong passphrase or key")
    return key


# -- the unlock file -------------------------------------------------------------------


def unlock_path(store: Path) -> Path:
    """The unlock file beside `store`: central.db -> central.unlock.json."""
    return store.with_name(f"{store.stem}.unlock.json")


@dataclass(frozen=True)
class UnlockFile:
    """What unlocks a store: scrypt's parameters, the wrapped data key and notes (e.g. which
    key file holds the passphrase)."""

    kdf: KdfParams
    wrapped: bytes
    notes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "format": UNLOCK_FORMAT,
            "kdf": self.kdf.to_dict(),
            "cipher": "chacha20-poly1305",
            "wrapped_key": self.wrapped.hex(),
            **self.notes,
        }
        return json.dumps(data, indent=2) + "\n"

    def context(self) -> bytes:
        """What the wrapped key is bound to: its parameters (so they cannot be swapped)."""
        return json.dumps(self.kdf.to_dict(), sort_keys=True).encode()


def read_unlock(path: Path) -> UnlockFile:
    """The unlock file at `path` (its size checked first); AtRestError when unusable."""
    try:
        if path.stat().st_size > MAX_UNLOCK_BYTES:
            raise AtRestError(f"{path} is too big to be an unlock file")
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise AtRestError(f"{path} is missing: without it the store cannot be opened") from None
    except (OSError, ValueError) as exc:
        raise AtRestError(f"{path} is not a readable unlock file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != UNLOCK_FORMAT:
        raise AtRestError(f"{path} is not an unlock file ({UNLOCK_FORMAT})")
    wrapped = data.get("wrapped_key")
    if not isinstance(wrapped, str) or not re.fullmatch(r"[0-9a-f]{120}", wrapped):
        raise AtRestError(f"{path}: the wrapped key is damaged")
    known = {"format", "kdf", "cipher", "wrapped_key"}
    notes = {k: v for k, v in data.items() if k not in known and isinstance(v, str)}
    kdf = KdfParams.from_dict(data.get("kdf"), str(path))
    return UnlockFile(kdf, bytes.fromhex(wrapped), notes)


def lock_data_key(
    data_key: bytes,
    passphrase: str | bytes,
    seconds: float | None = None,
    notes: dict[str, str] | None = None,
) -> UnlockFile:
    """An unlock file for `data_key` under `passphrase`, with freshly tuned parameters."""
    kdf = tune_kdf(seconds)
    draft = UnlockFile(kdf, b"", dict(notes or {}))
    wrapped = wrap_key(data_key, derive_kek(passphrase, kdf), draft.context())
    return UnlockFile(kdf, wrapped, draft.notes)


def unlock_data_key(unlock: UnlockFile, passphrase: str | bytes) -> bytes:
    """The data key `passphrase` unwraps; WrongKeyError when it does not."""
    return unwrap_key(unlock.wrapped, derive_kek(passphrase, unlock.kdf), unlock.context())


def write_unlock(path: Path, unlock: UnlockFile, exclusive: bool = False) -> None:
    """Write the unlock file, owner-only, whole or not at all."""
    write_private(path, unlock.to_json(), exclusive=exclusive)


def change_passphrase(
    path: Path, old: str | bytes, new: str | bytes, seconds: float | None = None
) -> None:
    """Rewrap the data key of the unlock file at `path` under `new` (the store is untouched)."""
    unlock = read_unlock(path)
    data_key = unlock_data_key(unlock, old)
    write_unlock(path, lock_data_key(data_key, new, seconds, unlock.notes))


# -- the encrypted database ------------------------------------------------------------


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
        raise AtRestError("a data key is 32 bytes")
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
            raise WrongKeyError(f"{path}: wrong key, or not an encrypted store") from None
        raise AtRestError(f"{path}: cannot be opened ({exc})") from None
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
        raise AtRestError(f"{path}: could not be encrypted ({exc}); it is left as it was") from None
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
        raise AtRestError(f"{path}: not a readable SQLite database ({exc})") from None
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
            f"{path}: the encrypted copy does not hold the same rows ({copied} != {counts}); "
            "the plain store is left as it was"
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
        raise AtRestError(f"no store at {store}")
    elif not fresh and not is_plain_sqlite(store):
        raise AtRestError(
            f"{store} is encrypted but its unlock file {keys.name} is missing: restore it "
            "from where it was copied"
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
