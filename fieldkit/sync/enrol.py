"""Enrol a device: the front door the CLI and the demo call (`fieldkit device enroll`), with or
without the credential central issued for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit.field.enroll import enroll, remember_language
from fieldkit.sync.device_credential import enroll_with_credential


@dataclass(frozen=True)
class Enrolment:
    """A device workspace made from a loadout: device.json as written, and where it is."""

    info: dict[str, Any]
    root: Path
    with_credential: bool

    @property
    def device_id(self) -> str:
        return str(self.info["device_id"])

    @property
    def team(self) -> str:
        return str(self.info["team"])

    @property
    def officer(self) -> str:
        return str(self.info["officer"])


def enrol_device(
    loadout: Path,
    root: Path,
    officer: str | None = None,
    credential: Path | None = None,
    passphrase: str | None = None,
    language: str | None = None,
) -> Enrolment:
    """`fieldkit device enroll`: make `root` a device of the loadout's team; with the credential
    central issued for it, the device takes its id and officer from that credential."""
    if credential is not None:
        info = enroll_with_credential(loadout, root, credential, officer, passphrase)
    else:
        info = enroll(loadout, root, officer=officer, passphrase=passphrase)
    if language is not None:
        info = remember_language(root, language)
    return Enrolment(info, root.resolve(), credential is not None)
