"""A device takes its central credential: at enrolment (--credential) or later (`device
credential FILE`), checked to be for its operation, team and officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.loadout import read_loadout
from fieldkit.i18n import _
from fieldkit.sync import device_side as side
from fieldkit.sync.credential import keep_on_device
from fieldkit.wire.credential import Credential, CredentialError, read_credential


def enroll_with_credential(
    loadout_path: Path,
    root: Path,
    credential_path: Path,
    officer: str | None = None,
    passphrase: str | None = None,
) -> dict[str, Any]:
    """Enrol a device from a loadout with the credential central issued for it; the device
    takes the credential's device id and officer. Nothing is made if they do not fit."""
    cred = read_credential(credential_path)
    loadout = read_loadout(loadout_path)
    check_fits(cred, loadout.operation, loadout.team, officer)
    info = enroll(loadout_path, root, cred.officer, cred.device_id, passphrase)
    with Device.open(root, passphrase) as dev:
        keep_on_device(dev.store, cred)
    return info


def take_credential(root: Path, credential_path: Path) -> dict[str, Any]:
    """Give an enrolled device its credential; returns what was done.

    A device that has registered with central keeps the credential it registered with (its
    records are bound to it there): another one is refused.
    """
    cred = read_credential(credential_path)
    with Device.open(root) as dev:
        check_fits(cred, dev.loadout.operation, dev.loadout.team, dev.officer)
        held = _held(dev)
        outcome = {"device": dev.id, "credential_id": cred.device_id, "url": cred.url}
        if held is not None and held.token == cred.token:
            return {**outcome, "changed": False}
        if held is not None and _registered(dev):
            raise CredentialError(
                _(
                    "this device already syncs with credential {device_id}; it keeps the "
                    "credential it registered with central. A lost or wiped device is "
                    "enrolled anew with a new credential"
                ).format(device_id=held.device_id)
            )
        keep_on_device(dev.store, cred)
        return {**outcome, "changed": True}


def _held(dev: Device) -> Credential | None:
    try:
        link = side.central_link(dev)
    except side.SyncError:
        return None
    return Credential(
        operation=dev.loadout.operation,
        team=dev.loadout.team,
        officer=dev.officer,
        device_id=link.credential_id,
        credential=link.secret,
        central_key=link.central_key or "",
        central_seal_key=link.seal_key,
        url=link.url,
    )


def _registered(dev: Device) -> bool:
    """Has central seen this device with its credential (a sync or an imported answer)?"""
    state = side.read_state(dev)
    return bool(state.get("registered") or state.get("last_sync"))


def check_fits(cred: Credential, operation: str, team: str, officer: str | None) -> None:
    """CredentialError unless the credential is for this operation, team (and officer)."""
    if (cred.operation, cred.team) != (operation, team):
        raise CredentialError(
            _(
                "this credential is for team {team} of {operation}, not team {team2} of "
                "{operation2}: ask central for one for this team (fieldkit central "
                "enroll-device --team {team2} --officer OFFICER)"
            ).format(team=cred.team, operation=cred.operation, team2=team, operation2=operation)
        )
    if officer is not None and cred.officer != officer:
        raise CredentialError(
            _(
                "this credential is for officer {officer}, and this device is "
                "{officer2}'s: ask central for one for {officer2} (fieldkit central "
                "enroll-device --team {team} --officer {officer2})"
            ).format(officer=cred.officer, officer2=officer, team=team)
        )
