"""Records as a device holding a valid key could sign them: any content, sealed and signed.

A device's own code never makes such records; a stolen key or a patched device can. `seal`
writes the record the way a bundle carries it (sorted keys, no spaces, UTF-8; a lone surrogate
as a JSON escape; NaN as NaN), so the hash and signature hold whatever the content.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from fieldkit.field.ids import uuid7
from fieldkit.field.keys import DeviceKey
from fieldkit.model import ENGAGEMENT_FORMAT, GENESIS_HASH, SEAL_FIELDS
from fieldkit.wire.protocol import BUNDLE_FORMAT
from fieldkit.wire.seal import SealKey

#: The key the answers to write_bundle's bundles are sealed to (as a device's device/seal.key).
ANSWER_KEY = SealKey.generate()


def line_of(data: dict[str, Any]) -> bytes:
    """Canonical JSON bytes whatever the content: lone surrogates escaped, NaN allowed."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace")


def seal(data: dict[str, Any], key: DeviceKey) -> tuple[dict[str, Any], bytes]:
    """(the record as central parses it, its line): hashed and signed over what it holds."""
    body = {k: v for k, v in data.items() if k not in SEAL_FIELDS}
    digest = hashlib.sha256(line_of(body)).hexdigest()
    line = line_of({**body, "hash": digest, "signature": key.sign(bytes.fromhex(digest))})
    return json.loads(line), line


def record(
    device: str,
    operation: str,
    team: str,
    officer: str,
    prev_hash: str = GENESIS_HASH,
    **changes: Any,
) -> dict[str, Any]:
    """A well-formed engagement record of `device` (unsealed), with `changes` applied."""
    data: dict[str, Any] = {
        "id": uuid7(),
        "device": device,
        "officer": officer,
        "operation": operation,
        "team": team,
        "hlc": "001695757800000-00000",
        "recorded_at": "2023-09-26T19:32:00+01:00",
        "timezone": "Europe/London",
        "time": "2023-09-26T19:30:00+01:00",
        "venue_type": "car_wash",
        "visit": None,
        "venue": None,
        "lat": 51.5905,
        "lon": -0.2566,
        "accuracy_m": 12.0,
        "people": [{"gender": "female", "age_band": "age_25_34", "nationality": "romanian",
                    "count": 2}],
        "language": "romanian",
        "interpreter": False,
        "partners": ["anitp"],
        "indicators": ["long_hours"],
        "outcomes": ["leaflet_given"],
        "referral_ref": "REF-1",
        "notes": "seen at the back door",
        "amends": None,
        "prev_hash": prev_hash,
        "format": ENGAGEMENT_FORMAT,
    }  # fmt: skip
    data.update(changes)
    return data


def write_bundle(
    target: Path,
    device: str,
    credential_id: str,
    secret: str | None,
    key: DeviceKey,
    lines: list[bytes],
    changes: dict[str, Any] | None = None,
) -> None:
    """A push bundle as `fieldkit sync --export-bundle` writes one, around the given lines, but
    not yet sealed to central (tests.support.bundles.seal_for does that); `changes` replace
    fields of its manifest. Central's answer is sealed to ANSWER_KEY."""
    members = {"records.jsonl": b"".join(line + b"\n" for line in lines)}
    if secret is not None:
        members["credential"] = secret.encode()
    manifest = {
        "format": BUNDLE_FORMAT,
        "bundle": uuid7(),
        "device": device,
        "credential_id": credential_id,
        "public_key": key.public_hex,
        "answer_key": ANSWER_KEY.public_hex,
        "created": "2023-09-26T20:00:00+01:00",
        "count": len(lines),
        "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        "plan_cursor": 0,
        "plan_have": None,
        **(changes or {}),
    }
    head = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("manifest.json", head)
        out.writestr("manifest.sig", key.sign(head))
        for name, data in members.items():
            out.writestr(name, data)
