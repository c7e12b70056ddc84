"""A device store opened as someone with its passphrase would open it: SQLCipher and the key,
none of the kit's guards (for tests that tamper with a store or read it raw)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fieldkit.at_rest import read_unlock, unlock_data_key, unlock_path
from fieldkit.encrypted_store import connect_encrypted
from fieldkit.field.unlock import PASSPHRASE_ENV


def raw_connect(store: Path, passphrase: str | None = None, **options: Any) -> Any:
    """A SQLCipher connection to the device store at `store` (the tests' passphrase)."""
    secret = passphrase or os.environ[PASSPHRASE_ENV]
    data_key = unlock_data_key(read_unlock(unlock_path(Path(store))), secret)
    return connect_encrypted(Path(store), data_key, **options)


def kept_json(root: Path, name: str = "credential.json") -> Any:
    """The JSON file `name` the device at `root` keeps in its store (its credential...)."""
    import json

    from fieldkit.field.device import Device
    from fieldkit.field.kept import read_kept

    with Device.open(root) as dev:
        return json.loads(read_kept(dev.store, name) or b"null")
