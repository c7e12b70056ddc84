"""The device's Ed25519 key pair: made at enrolment, the private half readable by its owner only."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from fieldkit.wire.keys import SigningKey, keep_private

#: What to do when a device's key may have been copied by someone else.
DEVICE_KEY_ADVICE = (
    "If someone else may have copied it, revoke this device on central "
    "(`fieldkit central revoke DEVICE`) and enrol it again"
)


class DeviceKey(SigningKey):
    """A device's signing key: signs its records' digests."""

    @classmethod
    def load(
        cls,
        path: Path,
        what: str = "device key",
        advice: str = DEVICE_KEY_ADVICE,
        password: bytes | None = None,
    ) -> Self:
        return super().load(path, what, advice, password)


def keep_device_key_private(path: Path) -> None:
    """The device's key file made owner-only (a warning says so), or refused."""
    keep_private(path, "device key", DEVICE_KEY_ADVICE)
