"""The app opens the workspace's stores only through the services it is given."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.tui import make_app
from fieldkit.tui.services import AppServices
from fieldkit.workspace import Workspace
from tests.support.tui import SIZE, settle, visible_text


class NoConflicts:
    """A central store with nothing in its conflicts table."""

    def __enter__(self) -> NoConflicts:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def conflicts(self) -> list[dict[str, Any]]:
        return []


class CentralNotOnDisk(AppServices):
    """Says there is a central store, and answers for it; nothing is on disk."""

    def has_central(self) -> bool:
        return True

    def central_status(self) -> dict[str, Any] | None:
        device = {
            "id": "dev-1",
            "device": "kilo-0001",
            "team": "kilo",
            "officer": "PC Example",
            "last_seen": None,
            "records": 7,
            "status": "active",
            "open_problems": 0,
        }
        return {"devices": [device], "records": 7, "open_problems": []}

    def open_central(self) -> Any:
        return NoConflicts()


class LockedDevice(AppServices):
    """An enrolled device whose store cannot be opened."""

    def has_device(self) -> bool:
        return True

    def open_device(self) -> Device:
        raise UserError("fieldkit: the device's store is held by another program")


async def test_sync_mode_shows_the_central_its_services_open(ws: Workspace) -> None:
    assert not (ws.sync / "central.db").exists()
    app = make_app(ws, services=CentralNotOnDisk(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        text = visible_text(app)
        assert "This workspace is central; no device is enrolled in it." in text
        assert "1 device, 7 records, 0 open problems, 0 conflicts." in text
        assert "kilo-0001" in text


async def test_log_mode_opens_the_device_through_its_services(ws: Workspace) -> None:
    assert not (ws.root / "device").exists()
    app = make_app(ws, services=LockedDevice(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        text = visible_text(app)
        assert "cannot be used as an enrolled device" in text
        assert "the device's store is held by another program" in text
