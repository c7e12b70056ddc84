"""What a device and central agree on: the sync messages, bundle formats, hashes and time stamps."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fieldkit.errors import UserError
from fieldkit.model import canonical_json

#: Path prefix of every endpoint; bump with the message shapes.
API = "/v1"
#: Records per push request (and the most a request may carry).
BATCH = 500
MAX_BATCH = 2000
#: Largest request body central accepts, in bytes.
MAX_BODY = 8 * 1024 * 1024

#: A device id (and a credential id): what `device enroll` and `central enroll-device` make.
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"

BUNDLE_FORMAT = "fieldkit-bundle/1"
ANSWER_FORMAT = "fieldkit-answer/1"
#: The members of a push bundle (a zip file).
MANIFEST, SIGNATURE, RECORDS, CREDENTIAL = (
    "manifest.json",
    "manifest.sig",
    "records.jsonl",
    "credential",
)
#: Loadout fields that are not the plan: who the file was issued to, and when.
NOT_PLAN = ("central", "issued")


class BundleError(UserError):
    """A bundle refused whole: truncated, corrupted, forged, too big or not for this place."""


def now_iso() -> str:
    """The time stamp both ends write: UTC, ISO 8601, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def content_sha256(loadout: dict[str, Any]) -> str:
    """The sha256 of a loadout's plan content (without its central block and issue time)."""
    return hashlib.sha256(
        canonical_json({k: v for k, v in loadout.items() if k not in NOT_PLAN})
    ).hexdigest()


def checksum(data: Any) -> str:
    """The sha256 of `data`'s canonical JSON: an answer bundle's checksum."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Head(Message):
    """Central's high-water mark for one device: its chain is whole from genesis to `hash`."""

    hash: str | None = Field(None, description="hash of the last record of the unbroken chain")
    count: int = Field(0, ge=0, description="records in the unbroken chain")
    stored: int = Field(0, ge=0, description="records of this device stored in all")


class Hello(Message):
    """Who central thinks the caller is, and what it already holds of it."""

    device: str | None
    credential_id: str
    team: str
    operation: str
    registered: bool
    head: Head
    central_time: str


class PushRequest(Message):
    """A batch of the device's records, oldest first; `public_key` registers it on first use."""

    device: str = Field(min_length=1, max_length=100, pattern=DEVICE_ID)
    public_key: str = Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")
    records: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class Rejection(Message):
    id: str | None
    kind: str
    detail: str


class PushResponse(Message):
    """What central now holds of this batch: acknowledged ids (new or already there)."""

    acknowledged: list[str]
    new: int
    duplicates: int
    rejected: list[Rejection]
    head: Head


class PullRequest(Message):
    cursor: int = Field(0, ge=0, le=2**62, description="the last plan version this device applied")
    have: str | None = Field(
        None, max_length=64, description="content sha256 of the loadout the device holds"
    )


class PlanChange(Message):
    """A newer loadout for the device's team: the whole file and a summary of what changed."""

    version: int
    plan_sha256: str
    loadout: dict[str, Any]
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []


class PullResponse(Message):
    cursor: int
    change: PlanChange | None = None


class ErrorMessage(Message):
    detail: str
