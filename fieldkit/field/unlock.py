"""The officer's passphrase: where it comes from, and the one way a device store is opened.

The passphrase, through scrypt (at_rest.py), unwraps the store's data key; the data key opens
the SQLCipher store and, through HMAC, gives the passwords the device's key files are
encrypted with (so the key files cannot be attacked more cheaply than the passphrase, and a
passphrase change rewraps 32 bytes and nothing else). The passphrase is the one given to the
call, else the one the app or a prompt gave this process, else `FIELDKIT_PASSPHRASE`, else the
prompter the command line registered (a terminal only), else a PassphraseError.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path

from fieldkit.at_rest import (
    WrongKeyError,
    change_passphrase,
    read_unlock,
    unlock_data_key,
    unlock_path,
)
from fieldkit.encrypted_store import is_plain_sqlite, unlock_store
from fieldkit.errors import UserError
from fieldkit.field.store import DeviceStore
from fieldkit.i18n import _

PASSPHRASE_ENV = "FIELDKIT_PASSPHRASE"
#: What the demo's and the simulator's devices are locked with (the demo prints it).
DEMO_PASSPHRASE = "demo-passphrase"

Prompter = Callable[[], str | None]
_given: dict[str, str] = {}
_prompter: list[Prompter] = []
#: Data keys already unwrapped in this process, by unlock file, wrapped key and passphrase.
_unwrapped: dict[tuple[str, bytes, bytes], bytes] = {}


class PassphraseError(UserError):
    """No passphrase to open the device with (no FIELDKIT_PASSPHRASE and no terminal)."""


class WrongPassphrase(WrongKeyError):
    """The passphrase does not open this device's store."""


def give_passphrase(passphrase: str) -> None:
    """The passphrase this process opens devices with (the app's screen, a prompt)."""
    _given["passphrase"] = passphrase


def passphrase_given() -> bool:
    """Has this process been given the passphrase (the app's screen, a prompt)?"""
    return bool(_given.get("passphrase"))


def forget_passphrase() -> None:
    """Forget the given passphrase and every data key unwrapped (the app locks itself)."""
    _given.clear()
    _unwrapped.clear()


def set_prompter(prompter: Prompter | None) -> None:
    """How to ask for a passphrase none was given (the command line on a terminal)."""
    _prompter.clear()
    if prompter is not None:
        _prompter.append(prompter)


def device_passphrase(passphrase: str | None = None) -> str:
    """The passphrase to open a device with; PassphraseError when there is none to be had."""
    if passphrase:
        return passphrase
    if _given.get("passphrase"):
        return _given["passphrase"]
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    typed = _prompter[0]() if _prompter else None
    if typed:
        give_passphrase(typed)
        return typed
    raise PassphraseError(
        _(
            "this device's store is encrypted: set {passphrase_env}, or run the "
            "command in a terminal to type the passphrase"
        ).format(passphrase_env=PASSPHRASE_ENV)
    )


def open_device_store(
    path: Path, passphrase: str | None = None, create: bool = False
) -> DeviceStore:
    """THE way a device store is opened: unlocked with the officer's passphrase (a plain store
    is encrypted on its first unlock, checked before the plain file goes)."""
    path = Path(path)
    if not path.exists() and not create:
        DeviceStore(path)  # names the missing store as it always has
    if is_plain_sqlite(path):
        DeviceStore(
            path
        ).close()  # a plain store is checked to be a device's before it is encrypted
    secret = device_passphrase(passphrase)
    try:
        data_key = _data_key(path, secret, create)
    except WrongKeyError:
        raise WrongPassphrase(
            _(
                "wrong passphrase for the device store {path}: nothing was opened "
                "({passphrase_env}, or the one typed)"
            ).format(path=path, passphrase_env=PASSPHRASE_ENV)
        ) from None
    return DeviceStore(path, create=create, data_key=data_key)


def _data_key(path: Path, passphrase: str, create: bool) -> bytes:
    keys = unlock_path(path)
    if keys.exists() and not is_plain_sqlite(path):
        unlock = read_unlock(keys)
        tag = (str(keys.resolve()), unlock.wrapped, _digest(passphrase))
        if tag not in _unwrapped:
            _unwrapped[tag] = unlock_data_key(unlock, passphrase)
        return _unwrapped[tag]
    return unlock_store(path, passphrase, create=create)


def _digest(passphrase: str) -> bytes:
    return hashlib.sha256(passphrase.encode("utf-8")).digest()


def key_password(data_key: bytes, purpose: str) -> bytes:
    """The password a device key file (`purpose`: signing, sealing) is encrypted with."""
    return (
        hmac.new(data_key, f"fieldkit device {purpose} key".encode(), "sha256").hexdigest().encode()
    )


def change_device_passphrase(store: Path, old: str, new: str) -> None:
    """Rewrap the store's data key under `new` (nothing else is rewritten)."""
    if not new:
        raise PassphraseError(_("the new passphrase is empty"))
    try:
        change_passphrase(unlock_path(store), old, new)
    except WrongKeyError:
        raise WrongPassphrase(
            _("wrong passphrase for the device store {store}: it was not changed").format(
                store=store
            )
        ) from None
    forget_passphrase()
