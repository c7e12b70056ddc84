"""Every call the demo makes into sync and central: publish plans, issue credentials, sync the
fleet (HTTP and bundle), read central's counts. The one module to repoint when they move."""

from __future__ import annotations

from typing import Any

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoDevice, DemoResult
from fieldkit.demo.workspace import DemoFailed
from fieldkit.workspace import Workspace

#: The key file that unlocks the demo's central store (owner-only, beside sync/, not in it):
#: every command run in the demo's workspace finds it, so none asks for a passphrase.
DEMO_KEYFILE = "central-store.key"


def open_central(ws: Workspace) -> None:
    """Make the central store (sync/central.db, encrypted, unlocked by the demo's key file)
    and publish the workspace's plans to it."""
    from fieldkit.central.plans import publish
    from fieldkit.central.store import Central, central_path

    keyfile = ws.root / DEMO_KEYFILE
    with Central(central_path(ws.sync), create=True, keyfile=keyfile) as store:
        publish(store, ws.ops)
        store.sealing_key()


def issue_credential(ws: Workspace, team: str, officer: str, operation: str) -> dict[str, Any]:
    """Central's credential for one device (a file of its own in ops/OP/credentials/), as
    `fieldkit central enroll-device` issues it."""
    from fieldkit.central.enrolment import enroll_device

    return enroll_device(ws, team, officer, operation)


def central_holdings(ws: Workspace) -> tuple[int, list[dict[str, Any]]]:
    """The records central holds, and its open problems."""
    from fieldkit.central.store import Central, central_path

    with Central(central_path(ws.sync)) as store:
        return store.record_count(), store.problems(open_only=True)


def sync_devices(ws: Workspace, url: str, result: DemoResult, show: StepProgress) -> None:
    """All devices but the last sync over HTTP; the last by a bundle carried by hand."""
    *online, carried = result.devices
    _sync_http(url, online, show)
    _sync_bundle(ws, carried, show)


def _sync_http(url: str, online: list[DemoDevice], show: StepProgress) -> None:
    from fieldkit.sync.client import sync_now

    show.step("http", 0, len(online))
    for i, device in enumerate(online):
        report = sync_now(device.root, server=url)
        if report.rejected:
            raise DemoFailed(f"central refused records of {device.id}: {report.rejected[:3]}")
        device.via = "http"
        show.step("http", i + 1, len(online), f"{device.id}: {report.acknowledged} acknowledged")
    show.done("http", f"{len(online)} device(s) over {url}")


def _sync_bundle(ws: Workspace, carried: DemoDevice, show: StepProgress) -> None:
    from fieldkit.central.bundle import receive_bundle
    from fieldkit.sync.bundle import export_bundle, import_answer

    bundles = ws.sync / "bundles"
    show.step("bundle", 0, 3, f"{carried.id}: exporting")
    bundle = bundles / f"{carried.id}.zip"
    export_bundle(carried.root, bundle)
    show.step("bundle", 1, 3, "importing on central")
    answer = bundles / f"{carried.id}.answer.json"
    ingested = receive_bundle(ws, bundle, answer)
    if ingested.rejected:
        raise DemoFailed(f"central refused records of {carried.id}: {ingested.rejected[:3]}")
    show.step("bundle", 2, 3, "answer back on the device")
    import_answer(carried.root, answer)
    carried.via = "bundle"
    show.done("bundle", f"{carried.id}: {ingested.new} record(s)")
