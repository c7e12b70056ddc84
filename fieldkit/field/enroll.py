"""Enrolment: a device workspace made from a team's loadout (id, key pair, plan, store)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldkit.codes import did_you_mean
from fieldkit.errors import UserError
from fieldkit.field.kept import SIGNING, keep, password, read_kept, take_in
from fieldkit.field.keys import DeviceKey
from fieldkit.field.loadout import Loadout, LoadoutError, parse_loadout, read_loadout_file
from fieldkit.field.store import DeviceStore
from fieldkit.field.unlock import open_device_store
from fieldkit.i18n import _, choose_language
from fieldkit.json_input import loads
from fieldkit.private_files import FOLDER_MODE, private_folder, write_private
from fieldkit.workspace import FOLDERS, make_folder

DEVICE_FORMAT = "fieldkit-device/1"
DEVICE_DIR = "device"
DEVICE_FILE = "device.json"
PRIVATE_KEY = "device.key"
PUBLIC_KEY = "device.pub"
LOADOUT_FILE = "loadout.json"
STORE_FILE = "store.db"
#: The device's X25519 key (answers are sealed to it), encrypted like device.key.
SEAL_FILE = "seal.key"


class EnrolError(UserError):
    """The device cannot be enrolled as asked."""


def enroll(
    loadout_path: Path,
    root: Path,
    officer: str | None = None,
    device_id: str | None = None,
    passphrase: str | None = None,
) -> dict[str, Any]:
    """Make `root` a device workspace for the loadout's team, locked with the officer's
    passphrase (field/unlock.py says where it comes from); returns device.json's data."""
    loadout, raw = read_loadout_file(loadout_path)
    return enroll_loadout(loadout, raw, root, officer, device_id, passphrase)


def enroll_loadout(
    loadout: Loadout,
    raw: bytes,
    root: Path,
    officer: str | None = None,
    device_id: str | None = None,
    passphrase: str | None = None,
) -> dict[str, Any]:
    """Make `root` a device workspace for the loadout (`raw` its bytes); returns device.json."""
    folder = root / DEVICE_DIR
    _refuse_enrolled(root, folder)
    device_id, officer = _device_and_officer(loadout, raw, officer, device_id)
    _make_workspace(root)
    made_folder = not folder.exists()
    private_folder(folder)
    os.chmod(folder, FOLDER_MODE)  # left over from an enrolment that did not finish
    try:
        return _write_device(folder, loadout, raw, (device_id, officer), passphrase)
    except BaseException:
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _refuse_enrolled(root: Path, folder: Path) -> None:
    """EnrolError when `root` is a device already, or is not a folder."""
    if (folder / DEVICE_FILE).exists():
        current = json.loads((folder / DEVICE_FILE).read_text(encoding="utf-8"))
        raise EnrolError(
            f"{root} is already enrolled as device {current.get('device_id')} "
            f"(team {current.get('team')}); a device is enrolled once, because its records "
            "are chained to its key. Enrol into another folder"
        )
    if root.exists() and not root.is_dir():
        raise EnrolError(f"{root} exists and is not a folder")


def _device_and_officer(
    loadout: Loadout, raw: bytes, officer: str | None, device_id: str | None
) -> tuple[str, str]:
    """The device id and officer: as asked, else as central issued them, else made up (the
    team and a random suffix; the team's first member)."""
    # A loadout issued by central for one device names that device and its officer: the
    # device takes that id, so central's credential and the device's records agree.
    issued = _central_block(raw)
    device_id = device_id or issued.get("device_id")
    member_ids = [m.id for m in loadout.members]
    officer = officer or issued.get("officer") or member_ids[0]
    if officer not in member_ids:
        raise EnrolError(
            f'officer "{officer}" is not in team {loadout.team}'
            f"{did_you_mean(officer, member_ids)}; "
            f"team members: {', '.join(member_ids)}"
        )
    return device_id or f"{loadout.team}-{secrets.token_hex(4)}", officer


def _make_workspace(root: Path) -> None:
    """The workspace's folders, each with its README."""
    root.mkdir(parents=True, exist_ok=True)
    for name, readme in FOLDERS.items():
        make_folder(root / name)
        note = root / name / "README.md"
        if not note.exists():
            note.write_text(readme, encoding="utf-8")


def _write_device(
    folder: Path, loadout: Loadout, raw: bytes, who: tuple[str, str], passphrase: str | None
) -> dict[str, Any]:
    """The encrypted store (the loadout kept in it), the key pair (the private half encrypted)
    and device.json (written last)."""
    device_id, officer = who
    key = DeviceKey.generate()
    for leftover in (PRIVATE_KEY, STORE_FILE, "store.unlock.json"):
        # left over from an enrolment that did not finish
        (folder / leftover).unlink(missing_ok=True)
    store = open_device_store(folder / STORE_FILE, passphrase, create=True)
    try:
        keep(store, LOADOUT_FILE, raw)
        key.save(folder / PRIVATE_KEY, folder / PUBLIC_KEY, password(store, SIGNING))
    finally:
        store.close()
    info = {
        "format": DEVICE_FORMAT,
        "device_id": device_id,
        "operation": loadout.operation,
        "team": loadout.team,
        "officer": officer,
        "public_key": key.public_hex,
        "enrolled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadout_sha256": hashlib.sha256(raw).hexdigest(),
        "plan_sha256": loadout.plan_sha256,
    }
    write_private(folder / DEVICE_FILE, json.dumps(info, indent=2) + "\n")
    return info


def remember_language(root: Path, language: str) -> dict[str, Any]:
    """The device's language (`en`, `ro`), chosen at enrolment, kept in device.json: the app
    speaks it, from the passphrase screen on, unless FIELDKIT_LANG says otherwise."""
    folder = root / DEVICE_DIR
    info = load_device_file(folder)
    info["language"] = choose_language(language)
    write_private(folder / DEVICE_FILE, json.dumps(info, indent=2) + "\n")
    return info


def device_language(root: Path) -> str | None:
    """The language chosen at enrolment for the device in `root`, if any (None when there
    is no readable device file: the app says why elsewhere)."""
    try:
        chosen = load_device_file(root / DEVICE_DIR).get("language")
    except UserError:
        return None
    return choose_language(chosen) if isinstance(chosen, str) else None


def load_device_file(folder: Path) -> dict[str, Any]:
    path = folder / DEVICE_FILE
    if not path.is_file():
        raise EnrolError(
            _(
                "no enrolled device in {workspace} ({file} is missing); "
                "enrol one with: fieldkit device enroll ops/OP/loadouts/TEAM.json --workspace DIR"
            ).format(workspace=folder.parent, file=f"{DEVICE_DIR}/{DEVICE_FILE}")
        )
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise EnrolError(f"{path}: unreadable device file ({exc})") from None
    if not isinstance(info, dict) or info.get("format") != DEVICE_FORMAT:
        raise EnrolError(f"{path}: not a fieldkit device file (format {DEVICE_FORMAT})")
    for name in ("device_id", "operation", "team", "officer", "public_key"):
        if not isinstance(info.get(name), str):
            raise EnrolError(f"{path}: the device file has no {name}")
    return info


def load_device_loadout(folder: Path, info: dict[str, Any], store: DeviceStore) -> Loadout:
    """The loadout kept in the device's store, checked to be for the device's team. A plain
    loadout.json beside it (from before the store kept it) is checked, then taken in."""
    plain = folder / LOADOUT_FILE
    if plain.exists():
        loadout, _ = read_loadout_file(plain)
        _check_team(loadout, info, str(plain))
        take_in(store, plain)
        return loadout
    raw = read_kept(store, LOADOUT_FILE)
    source = f"{folder / STORE_FILE} (its loadout)"
    if raw is None:
        raise EnrolError(f"{source}: the device holds no loadout; enrol the device again")
    try:
        data = loads(raw)
    except ValueError as exc:
        raise LoadoutError(f"loadout {source}: not JSON ({exc})") from None
    loadout = parse_loadout(data, source)
    _check_team(loadout, info, source)
    return loadout


def _check_team(loadout: Loadout, info: dict[str, Any], source: str) -> None:
    if loadout.team != info["team"] or loadout.operation != info["operation"]:
        raise EnrolError(
            f"{source}: wrong loadout: it is for team {loadout.team} of {loadout.operation}, "
            f"but this device is enrolled for team {info['team']} of {info['operation']}"
        )


def loadout_from_data(data: dict[str, Any]) -> tuple[Loadout, bytes]:
    """A loadout held in memory (for simulate and tests) as parsed data and its file bytes."""
    raw = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return parse_loadout(data), raw


def _central_block(raw: bytes) -> dict[str, str]:
    """The loadout's `central` block (device id, officer...) as strings; empty when absent."""
    try:
        block = loads(raw).get("central")
    except (ValueError, AttributeError):
        return {}
    if not isinstance(block, dict):
        return {}
    return {k: v for k, v in block.items() if isinstance(v, str) and k in ("device_id", "officer")}
