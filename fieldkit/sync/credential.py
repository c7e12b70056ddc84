"""A device's central credential as a file of its own, readable by its owner only.

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
from fieldkit.private_files import private_folder, write_private
from fieldkit.sync.address import AddressError, central_url

CREDENTIAL_FORMAT = "fieldkit-credential/1"
ISSUED_FOLDER = "credentials"
DEVICE_FILE = "credential.json"
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

    @property
    def token(self) -> str:
        return f"{self.device_id}:{self.credential}"

    def to_json(self) -> str:
        return json.dumps({"format": CREDENTIAL_FORMAT, **asdict(self)}, indent=2) + "\n"


def parse_credential(data: Any, source: str) -> Credential:
    """The credential in `data`, or CredentialError naming the field that is wrong."""
    if not isinstance(data, dict) or data.get("format") != CREDENTIAL_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise CredentialError(
            f"{source}: not a device credential (format {str(found)[:40]!r}, expected "
            f"{CREDENTIAL_FORMAT!r}); use the file `fieldkit central enroll-device` wrote in "
            "ops/OP/credentials/"
        )

    def text(name: str, pattern: re.Pattern[str] | None = None) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise CredentialError(f"{source}: {name} is missing or not a short text")
        if pattern is not None and not pattern.fullmatch(value):
            raise CredentialError(f"{source}: {name} is not a valid {name.replace('_', ' ')}")
        if not value.isprintable():
            raise CredentialError(f"{source}: {name} holds control characters")
        return value

    url, certificate = data.get("url"), data.get("certificate")
    if url is not None:
        if not isinstance(url, str):
            raise CredentialError(f"{source}: url is not a text")
        try:
            url = central_url(url, f"{source}: url")
        except AddressError as exc:
            raise CredentialError(str(exc)) from None
    if certificate is not None and (
        not isinstance(certificate, str)
        or len(certificate) > MAX_BYTES
        or not certificate.lstrip().startswith("-----BEGIN CERTIFICATE-----")
    ):
        raise CredentialError(f"{source}: certificate is not a PEM certificate")
    issued = data.get("issued")
    return Credential(
        operation=text("operation", _ID),
        team=text("team", _ID),
        officer=text("officer", _ID),
        device_id=text("device_id", _ID),
        credential=text("credential", _SECRET),
        central_key=text("central_key", _KEY),
        url=url,
        certificate=certificate,
        issued=issued if isinstance(issued, str) and len(issued) <= 40 else None,
    )


def read_credential(path: Path) -> Credential:
    """The credential file at `path` (its size checked before it is read)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CredentialError(f"{path}: {size} bytes is too big for a device credential")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CredentialError(f"credential {path}: no such file") from None
    except IsADirectoryError:
        raise CredentialError(f"credential {path}: a folder, not a credential file") from None
    except OSError as exc:
        raise CredentialError(f"credential {path}: cannot read it ({exc.strerror})") from None
    try:
        data = json_input.loads(raw, MAX_BYTES)
    except ValueError:
        raise CredentialError(f"credential {path}: not JSON (damaged, or another file)") from None
    return parse_credential(data, f"credential {path}")


def check_fits(cred: Credential, operation: str, team: str, officer: str | None) -> None:
    """CredentialError unless the credential is for this operation, team (and officer)."""
    if (cred.operation, cred.team) != (operation, team):
        raise CredentialError(
            f"this credential is for team {cred.team} of {cred.operation}, not team {team} of "
            f"{operation}: ask central for one for this team (fieldkit central enroll-device "
            f"--team {team} --officer OFFICER)"
        )
    if officer is not None and cred.officer != officer:
        raise CredentialError(
            f"this credential is for officer {cred.officer}, and this device is {officer}'s: "
            f"ask central for one for {officer} (fieldkit central enroll-device --team {team} "
            f"--officer {officer})"
        )


def save_issued(op_folder: Path, cred: Credential) -> Path:
    """Write a newly issued credential to ops/OP/credentials/TEAM-OFFICER.json (-2, -3... when
    that officer already has one: an issued credential is never overwritten)."""
    folder = private_folder(op_folder / ISSUED_FOLDER)
    base = re.sub(r"[^A-Za-z0-9._-]", "_", f"{cred.team}-{cred.officer}")
    for n in range(1, 10_000):
        path = folder / (f"{base}.json" if n == 1 else f"{base}-{n}.json")
        try:
            write_private(path, cred.to_json(), exclusive=True)
        except FileExistsError:
            continue
        return path
    raise CredentialError(f"{folder}: too many credentials for {cred.officer}")


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
