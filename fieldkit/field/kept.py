"""What a device keeps inside its encrypted store (the loadout, the central credential) and its
key files encrypted with a password from the store's data key; plain files from before are
taken in on the first unlock (each read back before the plain file goes)."""

from __future__ import annotations

from pathlib import Path

from fieldkit.field.store import DeviceStore, StoreError
from fieldkit.field.unlock import key_password
from fieldkit.wire.keys import encrypt_key_file

#: The store's meta rows that hold a kept file are named `file:NAME`.
_PREFIX = "file:"
#: The device's key files: its Ed25519 signing key and its X25519 sealing key (answers).
SIGNING, SEALING = "signing", "sealing"


def read_kept(store: DeviceStore, name: str) -> bytes | None:
    """The file `name` kept in the store, None when it holds none."""
    with store.guard(f"read the {name} it keeps"):
        row = store.conn.execute(
            "SELECT value FROM meta WHERE key = ?", (_PREFIX + name,)
        ).fetchone()
    return None if row is None else str(row[0]).encode("utf-8")


def keep(store: DeviceStore, name: str, content: bytes) -> None:
    """Keep `content` (UTF-8 text: JSON) as the file `name` in the store, replacing it."""
    with store.guard(f"keep the {name}"):
        store.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (_PREFIX + name, content.decode("utf-8")),
        )


def take_in(store: DeviceStore, plain: Path) -> bytes | None:
    """The plain file at `plain` kept in the store, read back, then removed; its content, or
    None when there is no such file."""
    try:
        content = plain.read_bytes()
    except FileNotFoundError:
        return None
    keep(store, plain.name, content)
    if read_kept(store, plain.name) != content:
        raise StoreError(f"{plain} could not be kept in the store; it is left where it is")
    plain.unlink()
    return content


def password(store: DeviceStore, purpose: str) -> bytes:
    """The password of the device's `purpose` key file (SIGNING, SEALING)."""
    if store.data_key is None:
        raise StoreError(f"device store {store.path} is not encrypted: open it with its passphrase")
    return key_password(store.data_key, purpose)


def encrypt_plain_key(store: DeviceStore, path: Path, purpose: str) -> bool:
    """A plain key file from before encryption rewritten encrypted; True when it was."""
    return encrypt_key_file(path, password(store, purpose))
