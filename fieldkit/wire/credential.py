"""A device's central credential as a file of its own: its format, read and checked.

Central writes one per issue into ops/OP/credentials/ (never into a loadout, which the planner
rewrites); a device keeps the one it took in device/credential.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fieldkit import json_input
from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.wire.address import AddressError, central_url

CREDENTIAL_FORMAT = "fieldkit-credential/1"
#: A credential is a few hundred bytes, a few KiB with a certificate: anything bigger is not one.
MAX_BYTES = 64 * 1024

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,200}")
_KEY = re.compile(r"[0-9a-f]{64}")


class CredentialError(UserError):
    """A file that is not a usable credential, or one that is not for this device."""


@dataclass(frozen=True)
class Credential:
    """Who central issued it to (operation, team, officer), its id and secret, and central."""

    operation: str
    team: str
    officer: str
    device_id: str
    credential: str
    central_key: str
    url: str | None = None
    certificate: str | None = None
    issued: str | None = None
    #: Central's X25519 public key: bundles are sealed to it (None in credentials issued
    #: before bundles were sealed).
    central_seal_key: str | None = None

    @property
    def token(self) -> str:
        return f"{self.device_id}:{self.credential}"

    def to_json(self) -> str:
        return json.dumps({"format": CREDENTIAL_FORMAT, **asdict(self)}, indent=2) + "\n"


def parse_credential(data: Any, source: str) -> Credential:
    """The credential in `data`, or CredentialError naming the field that is wrong."""
    _check_format(data, source)
    url, certificate = _url(data, source), _certificate(data, source)
    seal_key = _seal_key(data, source)
    issued = data.get("issued")
    return Credential(
        operation=_text(data, source, "operation", _ID),
        team=_text(data, source, "team", _ID),
        officer=_text(data, source, "officer", _ID),
        device_id=_text(data, source, "device_id", _ID),
        credential=_text(data, source, "credential", _SECRET),
        central_key=_text(data, source, "central_key", _KEY),
        url=url,
        certificate=certificate,
        issued=issued if isinstance(issued, str) and len(issued) <= 40 else None,
        central_seal_key=seal_key,
    )


def _check_format(data: Any, source: str) -> None:
    """CredentialError unless `data` is an object of the credential's format."""
    if not isinstance(data, dict) or data.get("format") != CREDENTIAL_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise CredentialError(
            _(
                "{source}: not a device credential (format {found!r}, expected "
                "{credential_format!r}); use the file `fieldkit central enroll-device` "
                "wrote in ops/OP/credentials/"
            ).format(source=source, found=str(found)[:40], credential_format=CREDENTIAL_FORMAT)
        )


def _text(data: dict[str, Any], source: str, name: str, pattern: re.Pattern[str]) -> str:
    """The field `name`: a short printable text matching `pattern`."""
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise CredentialError(
            _("{source}: {name} is missing or not a short text").format(source=source, name=name)
        )
    if not pattern.fullmatch(value):
        raise CredentialError(
            _("{source}: {name} is not a valid {words}").format(
                source=source, name=name, words=name.replace("_", " ")
            )
        )
    if not value.isprintable():
        raise CredentialError(
            _("{source}: {name} holds control characters").format(source=source, name=name)
        )
    return value


def _url(data: dict[str, Any], source: str) -> str | None:
    """Central's address, checked as `central_url` checks it, or None."""
    url = data.get("url")
    if url is None:
        return None
    if not isinstance(url, str):
        raise CredentialError(_("{source}: url is not a text").format(source=source))
    try:
        return central_url(url, f"{source}: url")
    except AddressError as exc:
        raise CredentialError(str(exc)) from None


def _certificate(data: dict[str, Any], source: str) -> str | None:
    """Central's PEM certificate, or None."""
    certificate = data.get("certificate")
    if certificate is not None and (
        not isinstance(certificate, str)
        or len(certificate) > MAX_BYTES
        or not certificate.lstrip().startswith("-----BEGIN CERTIFICATE-----")
    ):
        raise CredentialError(
            _("{source}: certificate is not a PEM certificate").format(source=source)
        )
    return certificate


def _seal_key(data: dict[str, Any], source: str) -> str | None:
    """Central's X25519 public key bundles are sealed to, or None."""
    seal_key = data.get("central_seal_key")
    if seal_key is not None and (not isinstance(seal_key, str) or not _KEY.fullmatch(seal_key)):
        raise CredentialError(
            _("{source}: central_seal_key is not a valid X25519 public key").format(source=source)
        )
    return seal_key


def read_credential(path: Path) -> Credential:
    """The credential file at `path` (its size checked before it is read)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CredentialError(
                _("{path}: {size} bytes is too big for a device credential").format(
                    path=path, size=size
                )
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CredentialError(_("credential {path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise CredentialError(
            _("credential {path}: a folder, not a credential file").format(path=path)
        ) from None
    except OSError as exc:
        raise CredentialError(
            _("credential {path}: cannot read it ({strerror})").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    try:
        data = json_input.loads(raw, MAX_BYTES)
    except ValueError:
        raise CredentialError(
            _("credential {path}: not JSON (damaged, or another file)").format(path=path)
        ) from None
    return parse_credential(data, f"credential {path}")
