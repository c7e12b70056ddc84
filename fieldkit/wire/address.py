"""Central's address as devices reach it (http://HOST:PORT or https://...), checked once."""

from __future__ import annotations

from urllib.parse import urlsplit

from fieldkit.errors import UserError


class AddressError(UserError):
    """An address central cannot be reached at as written."""


def central_url(text: str, option: str = "--server") -> str:
    """`text` without a trailing slash, or AddressError saying what to add or change."""
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and not parts.hostname:
        raise AddressError(f"{option} {text}: no host in it (write http://HOST:PORT)")
    if parts.scheme not in ("http", "https"):
        example = url.split("://", 1)[-1] or "HOST:PORT"
        raise AddressError(
            f"{option} {text}: add http:// or https:// (e.g. http://{example}, or https:// "
            "when central has a certificate)"
        )
    try:
        parts.port  # noqa: B018 - reading it checks the number
    except ValueError:
        raise AddressError(f"{option} {text}: the port is not a number from 1 to 65535") from None
    return url
