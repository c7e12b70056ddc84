"""What a device workspace holds, in a few facts: who it is, its records, its chain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fieldkit.field.outbox as outbox
from fieldkit.field.device import Device
from fieldkit.field.enroll import DEVICE_DIR
from fieldkit.i18n import ngettext


def is_device(root: Path) -> bool:
    """Is the workspace at `root` a field device (made by `fieldkit device enroll`)?"""
    return (root / DEVICE_DIR).is_dir()


@dataclass(frozen=True)
class DeviceOverview:
    """The device, its team and operation, and how many of its records wait to sync."""

    device: str
    team: str
    team_name: str
    officer: str
    operation: str
    operation_name: str
    engagements: int
    waiting: int

    def records_line(self) -> str:
        held = ngettext(
            "{count} engagement on this device",
            "{count} engagements on this device",
            self.engagements,
        ).format(count=self.engagements)
        return ngettext(
            "{held}, {count} waiting to sync", "{held}, {count} waiting to sync", self.waiting
        ).format(held=held, count=self.waiting)


def overview(root: Path) -> DeviceOverview:
    """The overview of the device at `root`; UserError (plain words) when it cannot be read."""
    with Device.open(root) as dev:
        counts = outbox.counts(dev.store)
        with dev.store.guard("count the engagements"):
            # One per first version (its own root): the amends index's NULLs, not every root.
            row = dev.store.conn.execute("SELECT count(*) FROM engagements WHERE amends IS NULL")
            engagements = int(row.fetchone()[0])
        return DeviceOverview(
            device=dev.id,
            team=dev.loadout.team,
            team_name=dev.loadout.team_name,
            officer=dev.officer,
            operation=dev.loadout.operation,
            operation_name=dev.loadout.operation_name,
            engagements=engagements,
            waiting=counts.get(outbox.PENDING, 0) + counts.get(outbox.SENT, 0),
        )
