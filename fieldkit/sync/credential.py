"""The credential a device holds (device/credential.json), readable by its owner only."""

from __future__ import annotations

from pathlib import Path

from fieldkit.private_files import write_private
from fieldkit.wire.credential import Credential, read_credential

DEVICE_FILE = "credential.json"


def device_credential(device_folder: Path) -> Credential | None:
    """The credential a device holds (device/credential.json), None when it has none."""
    path = device_folder / DEVICE_FILE
    if not path.exists():
        return None
    return read_credential(path)


def keep_on_device(device_folder: Path, cred: Credential) -> Path:
    """Store the credential in the device's folder, readable by its owner only."""
    path = device_folder / DEVICE_FILE
    write_private(path, cred.to_json())
    return path
