"""How central's store is unlocked: FIELDKIT_CENTRAL_PASSPHRASE, or a key file its owner alone
reads; every command, the server and the app open central.db through `open_central_db`.

A store made with a key file notes the file's path in its unlock file (sync/central.unlock.json)
so later commands find it; FIELDKIT_CENTRAL_KEYFILE names it elsewhere (a stick mounted at
another place). A store made with a passphrase needs FIELDKIT_CENTRAL_PASSPHRASE each time.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from fieldkit.at_rest import AtRestError, WrongKeyError, read_unlock, unlock_path
from fieldkit.encrypted_store import connect_encrypted, unlock_store
from fieldkit.private_files import tighten_key_file, write_private

PASSPHRASE_ENV = "FIELDKIT_CENTRAL_PASSPHRASE"
KEYFILE_ENV = "FIELDKIT_CENTRAL_KEYFILE"
#: A key file holds a passphrase or a random key: a few hundred bytes at most.
MAX_KEYFILE = 4096
_ASK = (
    f"set {PASSPHRASE_ENV}, or give a key file readable by you only "
    f"(`fieldkit central init --store-keyfile FILE`, or {KEYFILE_ENV}=FILE)"
)


#: Data keys this process has unlocked, by the sha256 of the unlock file and the secret.
_UNLOCKED: dict[bytes, bytes] = {}


class CentralLockedError(AtRestError):
    """Central's store cannot be unlocked: no passphrase or key file, or the wrong one."""


def open_central_db(
    path: Path, create: bool = False, keyfile: Path | None = None
) -> tuple[Any, bytes]:
    """A SQLCipher connection to central's store at `path`, unlocked the one way central is,
    and the store's data key.

    `keyfile` (`central init --store-keyfile`) is made when missing and noted for later
    commands. A plain central.db is encrypted in place on its first open with a key.
    """
    keys = unlock_path(path)
    notes = read_unlock(keys).notes if keys.exists() else {}
    secret, how, new_notes = _secret(notes, keyfile)
    # One key derivation per process and key: the app re-reads central's status often.
    known = hashlib.sha256(keys.read_bytes() + b"\0" + secret.encode()) if keys.exists() else None
    try:
        if known is not None and known.digest() in _UNLOCKED:
            data_key = _UNLOCKED[known.digest()]
        else:
            data_key = unlock_store(path, secret, create=create, notes=new_notes)
        conn = connect_encrypted(
            path, data_key, isolation_level=None, timeout=30, check_same_thread=False
        )
    except WrongKeyError:
        raise CentralLockedError(
            f"{path}: {how} does not open central's store (wrong passphrase or key file)"
        ) from None
    if known is not None:
        _UNLOCKED[known.digest()] = data_key
    return conn, data_key


def _secret(notes: dict[str, str], keyfile: Path | None) -> tuple[str, str, dict[str, str]]:
    """(passphrase, where it came from, notes for a new unlock file)."""
    if keyfile is not None:
        return _from_keyfile(keyfile, make=True)
    if notes.get("unlock_with") == "keyfile":
        named = os.environ.get(KEYFILE_ENV) or notes.get("keyfile", "")
        return _from_keyfile(Path(named), make=False)
    if notes.get("unlock_with") == "passphrase":
        return _from_passphrase(f"central's store is locked: set {PASSPHRASE_ENV}")
    if os.environ.get(KEYFILE_ENV):
        return _from_keyfile(Path(os.environ[KEYFILE_ENV]), make=True)
    return _from_passphrase(f"central's store is encrypted at rest: {_ASK}")


def _from_passphrase(missing: str) -> tuple[str, str, dict[str, str]]:
    passphrase = os.environ.get(PASSPHRASE_ENV, "")
    if not passphrase:
        raise CentralLockedError(missing)
    return passphrase, PASSPHRASE_ENV, {"unlock_with": "passphrase"}


def _from_keyfile(path: Path, make: bool) -> tuple[str, str, dict[str, str]]:
    """The key file's text (made, random, when `make` and missing); owner-only or refused."""
    path = path.expanduser()
    if make and not path.exists():
        write_private(path, secrets.token_hex(32) + "\n", exclusive=True)
    where = f"key file {path}"
    try:
        if not path.is_file():
            raise CentralLockedError(f"central's {where} is missing: {_ASK}")
        tighten_key_file(path, "central's key file", "Anyone who copied it can open central.db")
        if path.stat().st_size > MAX_KEYFILE:
            raise CentralLockedError(f"central's {where} is over {MAX_KEYFILE} bytes: not a key")
        text = path.read_text(encoding="utf-8").strip()
    except PermissionError as exc:
        raise CentralLockedError(
            f"central's {where} cannot be read or made yours alone ({exc.strerror or exc}); "
            f"`chmod 600 {path}` as its owner"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CentralLockedError(f"central's {where} cannot be read ({exc})") from None
    if not text:
        raise CentralLockedError(f"central's {where} is empty")
    return text, where, {"unlock_with": "keyfile", "keyfile": str(path.resolve())}
