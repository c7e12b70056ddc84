"""What goes wrong using the central store, and a device's status words."""

from __future__ import annotations

from fieldkit.errors import UserError

ACTIVE, REVOKED = "active", "revoked"


class CentralError(UserError):
    """The central store cannot be used as asked."""


class AuthError(CentralError):
    """Unknown or revoked device, or a wrong credential (HTTP 401)."""


class ForbiddenError(CentralError):
    """An authenticated device asking for what is not its own (HTTP 403)."""
