"""One bench device's year: its chain made and signed with the kit's record code, then bundled.

A worker process builds device `n`'s records with `Engagement(...).sealed(prev, key.sign)`
(the code a device saves with), writes them as canonical lines (`dN.jsonl`: the raw baseline
and the HTTP share read them) and, unless told not, as a push bundle signed with the device
key and sealed to central (`dN.bundle`, the format `fieldkit sync --export-bundle` writes).
Ids, keys and times are derived from `n`, so the same arguments give the same records.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup, canonical_json
from fieldkit.wire.protocol import BUNDLE_FORMAT, MANIFEST, RECORDS, SIGNATURE, now_iso
from fieldkit.wire.seal import SealKey, seal

#: Venues with coordinates in tests/support/operation.py's plan: (id, type, lat, lon).
VENUES = (
    ("carwash", "car_wash", 51.5905, -0.2566),
    ("church", "church", 51.6030, -0.2640),
    ("nails", "nail_bar", 51.6010, -0.1930),
    ("shelter", "homeless_shelter", 51.6520, -0.2000),
)
TEAMS = ("alpha", "bravo", "charlie")
#: The operation's week (tests/support/operation.py): every operation holds the same week.
WEEK_START = datetime.fromisoformat("2023-09-24T08:00:00+01:00")
WEEK = timedelta(days=6, hours=12)


@dataclass(frozen=True)
class BenchDevice:
    """Who device `n` is: its operation, team, officer, credential row and key."""

    n: int
    operation: str
    team: str

    @property
    def device(self) -> str:
        return f"{self.team}-d{self.n:05d}"

    @property
    def officer(self) -> str:
        return f"pc-{self.team}"

    @property
    def key(self) -> DeviceKey:
        seed = hashlib.sha256(f"bench device {self.n}".encode()).digest()
        return DeviceKey(Ed25519PrivateKey.from_private_bytes(seed))


def device_for(n: int, operations: int) -> BenchDevice:
    """Device `n`: operation n % operations, the team by its place in the operation."""
    place = n // operations
    return BenchDevice(n, f"op-{n % operations:03d}", TEAMS[place % len(TEAMS)])


def record_id(device: int, j: int) -> str:
    """The id of device `device`'s record `j` (a UUID's shape, version 7)."""
    return f"01900000-0000-7000-8000-{device * 10_000_000 + j:012d}"


def _engagement(dev: BenchDevice, j: int, count: int, amends: str | None) -> Engagement:
    """Record `j` of the device, unsealed, as the kit's model makes it."""
    when = WEEK_START + WEEK / max(count, 1) * j
    venue, kind, lat, lon = VENUES[(dev.n + j) % len(VENUES)]
    wobble = ((j * 7919) % 1000 - 500) / 250_000
    recorded = when + timedelta(minutes=2)
    return Engagement(
        id=record_id(dev.n, j),
        device=dev.device,
        officer=dev.officer,
        operation=dev.operation,
        team=dev.team,
        hlc=f"{int(recorded.timestamp() * 1000):015d}-{j % 100000:05d}",
        recorded_at=recorded.isoformat(),
        timezone="Europe/London",
        time=when.isoformat(),
        venue_type=kind,
        venue=venue,
        lat=lat + wobble,
        lon=lon - wobble,
        people=(PeopleGroup("female", "age_25_34", "romanian", 1 + j % 4),),
        indicators=("long_hours",) if j % 3 == 0 else (),
        outcomes=("leaflet_given",),
        amends=amends if j == count - 1 and amends else None,
    )


def _fields(dev: BenchDevice, j: int, count: int, amends: str | None) -> dict[str, object]:
    """The fields of record `j` that differ from the template, as `to_dict()` has them (the
    same values `_engagement` gives)."""
    when = WEEK_START + WEEK / max(count, 1) * j
    venue, kind, lat, lon = VENUES[(dev.n + j) % len(VENUES)]
    wobble = ((j * 7919) % 1000 - 500) / 250_000
    recorded = when + timedelta(minutes=2)
    return {
        "id": record_id(dev.n, j),
        "hlc": f"{int(recorded.timestamp() * 1000):015d}-{j % 100000:05d}",
        "recorded_at": recorded.isoformat(),
        "time": when.isoformat(),
        "venue_type": kind,
        "venue": venue,
        "lat": lat + wobble,
        "lon": lon - wobble,
        "people": [
            {"gender": "female", "age_band": "age_25_34", "nationality": "romanian",
             "count": 1 + j % 4}
        ],
        "indicators": ["long_hours"] if j % 3 == 0 else [],
        "amends": amends if j == count - 1 and amends else None,
    }  # fmt: skip


def build_chain(dev: BenchDevice, count: int, amends: str | None) -> list[bytes]:
    """`count` engagements chained and signed, as canonical lines; the last amends `amends`
    when given (the first two devices of an operation amend the first one's first record: one
    conflict each).

    The bulk path: the model makes each record's fields (`Engagement(...).to_dict()`) only for
    the first records; the rest change those fields in a copy of the template and are hashed
    and signed as `Engagement.sealed` does. The first records are made both ways and must be
    the same bytes."""
    key = dev.key
    prev = GENESIS_HASH
    out = []
    template: dict[str, object] = {}
    for j in range(count):
        if j < 3:
            sealed = _engagement(dev, j, count, amends).sealed(prev, key.sign)
            template = sealed.to_dict()
            data = dict(template)
        else:
            data = dict(template)
            data.update(_fields(dev, j, count, amends))
            data["prev_hash"] = prev
            del data["hash"], data["signature"]
            digest = hashlib.sha256(canonical_json(data)).hexdigest()
            data["hash"], data["signature"] = digest, key.sign(bytes.fromhex(digest))
        line = canonical_json(data)
        if j < 3:
            assert line == sealed.canonical()
        prev = str(data["hash"])
        out.append(line)
    return out


def bundle_bytes(
    dev: BenchDevice, credential_id: str, lines: bytes, count: int, central_seal: str
) -> bytes:
    """A push bundle of `lines` as a device writes it, sealed to `central_seal`."""
    key = dev.key
    manifest = {
        "format": BUNDLE_FORMAT,
        "bundle": f"01900000-0000-7000-9000-{dev.n:012d}",
        "device": dev.device,
        "credential_id": credential_id,
        "public_key": key.public_hex,
        "answer_key": SealKey.generate().public_hex,
        "created": now_iso(),
        "count": count,
        "checksums": {RECORDS: hashlib.sha256(lines).hexdigest()},
        "plan_cursor": 0,
        "plan_have": "0" * 64,
    }
    head = canonical_json(manifest)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as out:
        out.writestr(MANIFEST, head)
        out.writestr(SIGNATURE, key.sign(head).encode())
        out.writestr(RECORDS, lines)
    return seal(packed.getvalue(), central_seal, "bundle")


def make_device_files(
    n: int, operations: int, count: int, folder: str, central_seal: str | None
) -> tuple[int, int]:
    """Write dN.jsonl (and dN.bundle unless `central_seal` is None); (n, records)."""
    dev = device_for(n, operations)
    place = n // operations
    amends = record_id(n % operations, 0) if place in (0, 1) and count > 1 else None
    records = build_chain(dev, count, amends)
    lines = b"".join(r + b"\n" for r in records)
    Path(folder, f"d{n}.jsonl").write_bytes(lines)
    if central_seal is not None:
        sealed = bundle_bytes(dev, f"cred-{n}", lines, len(records), central_seal)
        Path(folder, f"d{n}.bundle").write_bytes(sealed)
    return n, len(records)
