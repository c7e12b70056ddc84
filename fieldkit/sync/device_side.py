"""The device's side of sync: its central credential, sync state file, acks and plan changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fieldkit.field.outbox as outbox
from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.enroll import LOADOUT_FILE, SEAL_FILE
from fieldkit.field.kept import SEALING, keep, password
from fieldkit.field.loadout import parse_loadout
from fieldkit.field.retention import drop_texts, loadout_days
from fieldkit.i18n import _
from fieldkit.private_files import write_private
from fieldkit.sync.credential import Credential, device_credential
from fieldkit.wire.protocol import content_sha256, now_iso
from fieldkit.wire.seal import SealKey

SYNC_FILE = "sync.json"


class SyncError(UserError):
    """A sync that could not be done; the message says why in plain words."""


@dataclass(frozen=True)
class CentralLink:
    """Where central is and how this device proves who it is (from its credential)."""

    url: str | None
    credential_id: str
    secret: str
    certificate: str | None
    central_key: str | None = None
    #: Central's X25519 public key, that bundles are sealed to.
    seal_key: str | None = None

    @property
    def token(self) -> str:
        return f"{self.credential_id}:{self.secret}"


NO_CREDENTIAL = (
    "this device has no central credential yet: on central run `fieldkit central "
    "enroll-device --team {team} --officer {officer}`, then give this device the file it "
    "writes: fieldkit device credential FILE"
)


def held_credential(dev: Device) -> Credential | None:
    """The credential the device holds (device/credential.json), None when it has none."""
    return device_credential(dev.store)


def central_link(dev: Device) -> CentralLink:
    """The device's credential; a device enrolled from a loadout that carried one (before
    credentials had files of their own) still uses that. SyncError when it has none."""
    cred = held_credential(dev)
    if cred is not None:
        return CentralLink(
            cred.url,
            cred.device_id,
            cred.credential,
            cred.certificate,
            cred.central_key,
            cred.central_seal_key,
        )
    block = dev.loadout.data.get("central")
    if not isinstance(block, dict) or not block.get("credential") or not block.get("device_id"):
        raise SyncError(NO_CREDENTIAL.format(team=dev.loadout.team, officer=dev.officer))
    return CentralLink(
        url=block.get("url"),
        credential_id=str(block["device_id"]),
        secret=str(block["credential"]),
        certificate=block.get("certificate"),
        central_key=block.get("central_key"),
        seal_key=block.get("central_seal_key"),
    )


def device_seal_key(dev: Device) -> SealKey:
    """The device's X25519 key (device/seal.key, owner-only, encrypted with a password from
    the store's data key), made on first use: central seals its answers to the public half,
    which the device's signed bundle carries."""
    path = dev.folder / SEAL_FILE
    secret = password(dev.store, SEALING)
    if not path.exists():
        try:
            SealKey.generate().save(path, secret)
        except FileExistsError:
            pass  # made meanwhile: that one is the key
    return SealKey.load(path, "the device's sealing key", secret)


def read_state(dev: Device) -> dict[str, Any]:
    path = dev.folder / SYNC_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(dev: Device, **changes: Any) -> dict[str, Any]:
    state = {**read_state(dev), **changes}
    # Not fsynced: losing it to a power cut only means the next sync asks central again.
    write_private(dev.folder / SYNC_FILE, json.dumps(state, indent=2) + "\n", durable=False)
    return state


def pending_texts(dev: Device) -> list[tuple[str, bytes]]:
    """(id, the record as stored) of every record central has not acknowledged, in chain
    order: the canonical JSON the device signed and saved (`Engagement.canonical()`), sent as
    it is rather than read into a record and written again."""
    with dev.store.guard("read the outbox"):
        rows = dev.store.conn.execute(
            "SELECT e.id, e.record FROM engagements e JOIN outbox o ON o.id = e.id "
            "WHERE o.state != 'acknowledged' ORDER BY e.seq"
        ).fetchall()
    return [(rid, text.encode("utf-8")) for rid, text in rows]


def acknowledge(dev: Device, ids: list[str]) -> int:
    return outbox.mark(dev.store, ids, outbox.ACKNOWLEDGED)


def acknowledge_through(dev: Device, head_hash: str | None) -> int:
    """Central holds the device's chain unbroken up to `head_hash`: all of it is acknowledged."""
    if not head_hash:
        return 0
    with dev.store.guard("read the outbox"):
        rows = dev.store.conn.execute(
            "SELECT e.id FROM engagements e JOIN outbox o ON o.id = e.id "
            "WHERE o.state != 'acknowledged' AND e.seq <= "
            "(SELECT seq FROM engagements WHERE hash = ?)",
            (head_hash,),
        ).fetchall()
    return acknowledge(dev, [r[0] for r in rows])


def back_to_pending(dev: Device) -> None:
    """Records sent but never acknowledged go back to pending (a failed push)."""
    with dev.store.guard("read the outbox"):
        rows = dev.store.conn.execute("SELECT id FROM outbox WHERE state = 'sent'").fetchall()
    outbox.mark(dev.store, [r[0] for r in rows], outbox.PENDING)


def plan_have(dev: Device) -> str:
    return content_sha256(dev.loadout.data)


def apply_plan(dev: Device, loadout: dict[str, Any], version: int) -> bool:
    """Replace the device's loadout with a pulled one (keeping its central block)."""
    data = {**loadout, "central": dev.loadout.data.get("central")}
    parsed = parse_loadout(data, "pulled plan")
    if parsed.team != dev.loadout.team or parsed.operation != dev.loadout.operation:
        raise SyncError(
            _(
                "central sent a plan for team {team} of {operation}; this device is team "
                "{team2} of {operation2}; nothing was changed"
            ).format(
                team=parsed.team,
                operation=parsed.operation,
                team2=dev.loadout.team,
                operation2=dev.loadout.operation,
            )
        )
    changed = content_sha256(data) != content_sha256(dev.loadout.data)
    if changed:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        keep(dev.store, LOADOUT_FILE, text.encode("utf-8"))
        dev.loadout = parsed
    write_state(dev, plan_cursor=version)
    return changed


def summary(root: Path) -> dict[str, Any]:
    """For the sync screen: last sync, records per state, central url, last error."""
    with Device.open(root) as dev:
        state = read_state(dev)
        try:
            link: CentralLink | None = central_link(dev)
        except SyncError:
            link = None
        return {
            "device": dev.id,
            "last_sync": state.get("last_sync"),
            "last_error": state.get("last_error"),
            "counts": outbox.counts(dev.store),
            "central": state.get("server") or (link.url if link else None),
            "enrolled_with_central": link is not None,
            "plan_cursor": state.get("plan_cursor", 0),
        }


__all__ = ["CentralLink", "SyncError", "central_link", "now_iso", "summary"]


def drop_old_texts(dev: Device) -> int:
    """After a sync: drop the texts of records central acknowledged the loadout's number of
    days ago or more (field/retention.py); returns how many went."""
    return drop_texts(dev.store, loadout_days(dev.loadout), dev.now()).texts
