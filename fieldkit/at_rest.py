"""Keys for stores encrypted at rest: a passphrase, through scrypt, wraps a random data key.

The passphrase (or a key file's contents) goes through scrypt, with parameters tuned to about
half a second on the machine that made the store, into a key-encryption key; that key wraps a
random 256-bit data key with ChaCha20-Poly1305. The parameters and the wrapped key sit beside
the store in a small owner-only JSON file (the unlock file, `NAME.unlock.json`), so changing
the passphrase rewraps 32 bytes and never re-encrypts the store. The data key opens the store
as a SQLCipher 4 database (encrypted_store.py).

`FIELDKIT_KDF_SECONDS` sets the time scrypt is tuned to when a store is made (default 0.5; 0
gives the cheapest parameters, for tests). A store already made keeps its own parameters.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.private_files import write_private

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
            raise AtRestError(_("{source}: the key derivation is not scrypt").format(source=source))
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
            raise AtRestError(
                _("{source}: the key derivation's parameters are damaged").format(source=source)
            )
        return cls(bytes.fromhex(salt), log2_n, r, p)


def kdf_seconds(seconds: float | None = None) -> float:
    """The time to tune scrypt to: `seconds`, else FIELDKIT_KDF_SECONDS, else 0.5."""
    if seconds is not None:
        return max(0.0, seconds)
    raw = os.environ.get(KDF_SECONDS_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_SECONDS
    except ValueError:
        raise AtRestError(
            _("{kdf_seconds_env}={raw!r} is not a number of seconds").format(
                kdf_seconds_env=KDF_SECONDS_ENV, raw=raw
            )
        ) from None


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
        raise WrongKeyError(_("wrong passphrase or key")) from None
    if len(key) != KEY_BYTES:
        raise WrongKeyError(_("wrong passphrase or key"))
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
            raise AtRestError(_("{path} is too big to be an unlock file").format(path=path))
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise AtRestError(
            _("{path} is missing: without it the store cannot be opened").format(path=path)
        ) from None
    except (OSError, ValueError) as exc:
        raise AtRestError(
            _("{path} is not a readable unlock file ({exc})").format(path=path, exc=exc)
        ) from None
    if not isinstance(data, dict) or data.get("format") != UNLOCK_FORMAT:
        raise AtRestError(
            _("{path} is not an unlock file ({unlock_format})").format(
                path=path, unlock_format=UNLOCK_FORMAT
            )
        )
    wrapped = data.get("wrapped_key")
    if not isinstance(wrapped, str) or not re.fullmatch(r"[0-9a-f]{120}", wrapped):
        raise AtRestError(_("{path}: the wrapped key is damaged").format(path=path))
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
