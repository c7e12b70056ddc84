"""The credential a device holds, kept inside its encrypted store (a plain credential.json from
before is taken in on the first unlock)."""

from __future__ import annotations

from fieldkit.field.kept import keep, read_kept, take_in
from fieldkit.field.store import DeviceStore
from fieldkit.i18n import _
from fieldkit.json_input import loads
from fieldkit.wire.credential import Credential, CredentialError, parse_credential

DEVICE_FILE = "credential.json"


def device_credential(store: DeviceStore) -> Credential | None:
    """The credential the device holds, None when it has none."""
    raw = take_in(store, store.path.with_name(DEVICE_FILE)) or read_kept(store, DEVICE_FILE)
    if raw is None:
        return None
    source = f"credential kept in {store.path}"
    try:
        data = loads(raw)
    except ValueError:
        raise CredentialError(_("{source}: not JSON (damaged)").format(source=source)) from None
    return parse_credential(data, source)


def keep_on_device(store: DeviceStore, cred: Credential) -> None:
    """Keep the credential inside the device's encrypted store."""
    keep(store, DEVICE_FILE, cred.to_json().encode("utf-8"))
