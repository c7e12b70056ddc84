"""Central's enrolled devices: credentials issued and checked, keys bound, revocation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from fieldkit.central.errors import ACTIVE, REVOKED, AuthError, CentralError, ForbiddenError
from fieldkit.central.store_base import StoreBase
from fieldkit.errors import quote
from fieldkit.i18n import _
from fieldkit.wire.protocol import now_iso

#: Seconds between two notes of a device's `last_seen`.
TOUCH_EVERY = 5.0
#: scrypt cost: ~30 ms to check a credential once; verified ones are remembered in memory.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_secret(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, **SCRYPT).hex()  # type: ignore[arg-type]


class DeviceRegistry(StoreBase):
    """The devices table of a central store (part of `Central`)."""

    #: Credentials checked once on this connection (an HMAC of the secret, not the secret).
    _verified: dict[str, bytes]
    #: When each credential's `last_seen` was last noted (monotonic seconds).
    _seen: dict[str, float]
    _pepper: bytes

    def enroll_device(
        self, team: str, operation: str, officer: str, device_id: str | None = None
    ) -> tuple[str, str]:
        """A new device slot and its credential: (device id, secret). The secret is not kept."""
        device_id = device_id or f"{team}-{secrets.token_hex(4)}"
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM devices WHERE id = ?", (device_id,)).fetchone():
                raise CentralError(
                    _("device {device_id} is already enrolled on central").format(
                        device_id=device_id
                    )
                )
            conn.execute(
                "INSERT INTO devices (id, team, operation, officer, salt, credential_hash, "
                "status, enrolled_at, head_count) VALUES (?,?,?,?,?,?,?,?,0)",
                (
                    device_id,
                    team,
                    operation,
                    officer,
                    salt.hex(),
                    hash_secret(secret, salt),
                    ACTIVE,
                    now_iso(),
                ),
            )
        return device_id, secret

    def revoke(self, device_id: str) -> None:
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE devices SET status = ? WHERE id = ? OR device = ?",
                (REVOKED, device_id, device_id),
            )
            if cur.rowcount == 0:
                known = [r[0] for r in conn.execute("SELECT id FROM devices ORDER BY id")]
                raise CentralError(
                    _("no device {device_id} on central (enrolled: {known})").format(
                        device_id=quote(device_id), known=", ".join(known) or "none"
                    )
                )
        self._verified.clear()

    def authenticate(self, credential_id: str, secret: str) -> dict[str, Any]:
        """The device row for a credential; AuthError when unknown, revoked or wrong."""
        row = self.device_row(credential_id)
        if row is None or row["status"] != ACTIVE:
            raise AuthError(
                _(
                    "unknown or revoked device: ask central for a new credential (fieldkit "
                    "central enroll-device)"
                )
            )
        remembered = hmac.new(self._pepper, secret.encode(), "sha256").digest()
        known = self._verified.get(credential_id)
        if known is not None and hmac.compare_digest(known, remembered):
            return row
        digest = hash_secret(secret, bytes.fromhex(row["salt"]))
        if not hmac.compare_digest(digest, row["credential_hash"]):
            raise AuthError(
                _("wrong credential for device {credential_id}").format(credential_id=credential_id)
            )
        self._verified[credential_id] = remembered
        return row

    def device_row(self, credential_id: str) -> dict[str, Any] | None:
        with self.lock:
            cur = self.conn.execute("SELECT * FROM devices WHERE id = ?", (credential_id,))
            found = cur.fetchone()
            names = [d[0] for d in cur.description]
        return dict(zip(names, found, strict=True)) if found else None

    def device_by_record_id(self, device: str) -> dict[str, Any] | None:
        rows = self.query("SELECT id FROM devices WHERE device = ?", (device,))
        return self.device_row(rows[0][0]) if rows else None

    def bind(self, row: dict[str, Any], device: str, public_key: str) -> dict[str, Any]:
        """Trust on first use: the first push binds the credential to a device id and key.

        The row is read again inside the transaction, so of two first pushes racing on one
        credential only the first binds; the other is checked against what it bound.
        """
        if _bound_to(row, device, public_key):
            return row
        with self.transaction() as conn:
            now = conn.execute(
                "SELECT device, public_key FROM devices WHERE id = ?", (row["id"],)
            ).fetchone()
            current = {**row, "device": now[0], "public_key": now[1]} if now else row
            if _bound_to(current, device, public_key):
                return current
            taken = conn.execute(
                "SELECT id FROM devices WHERE device = ? AND id != ?", (device, row["id"])
            ).fetchone()
            if taken:
                raise ForbiddenError(
                    _("device id {device} is already registered on central").format(
                        device=quote(device)
                    )
                )
            conn.execute(
                "UPDATE devices SET device = ?, public_key = ?, registered_at = ? WHERE id = ?",
                (device, public_key, now_iso(), row["id"]),
            )
        return {**row, "device": device, "public_key": public_key}

    def touch(self, credential_id: str) -> None:
        """Note the device was seen (at most every few seconds: each note is a disk write)."""
        now = time.monotonic()
        if now - self._seen.get(credential_id, -TOUCH_EVERY) < TOUCH_EVERY:
            return
        self._seen[credential_id] = now
        with self.lock:
            self.conn.execute(
                "UPDATE devices SET last_seen = ? WHERE id = ?", (now_iso(), credential_id)
            )


def _bound_to(row: dict[str, Any], device: str, public_key: str) -> bool:
    """True when the credential's row is bound to this device and key; False when unbound;
    ForbiddenError when it is bound to another device or another key."""
    if row["device"] is None:
        return False
    if row["device"] != device:
        raise ForbiddenError(
            _("this credential belongs to device {device}, not {asked}").format(
                device=row["device"], asked=quote(device)
            )
        )
    if row["public_key"] != public_key:
        raise ForbiddenError(
            _(
                "device {device} is registered on central with another key; a "
                "re-enrolled device needs a new credential (fieldkit central "
                "enroll-device)"
            ).format(device=quote(device))
        )
    return True
