"""The field device: enrolment, the append-only signed engagement log, outbox and simulator."""

from fieldkit.field.device import Device, RecordNotFound
from fieldkit.field.draft import Draft, DraftError
from fieldkit.field.enroll import EnrolError, enroll
from fieldkit.field.loadout import Assignment, Loadout, LoadoutError, read_loadout
from fieldkit.field.store import DeviceStore, StoreError, StoreFullError
from fieldkit.wire.keys import KeyFileError

__all__ = [
    "Assignment",
    "Device",
    "DeviceStore",
    "Draft",
    "DraftError",
    "EnrolError",
    "KeyFileError",
    "Loadout",
    "LoadoutError",
    "RecordNotFound",
    "StoreError",
    "StoreFullError",
    "enroll",
    "read_loadout",
]
