"""The demo's week of logging: each device's engagements drawn by the model `simulate` uses."""

from __future__ import annotations

import random
from datetime import timedelta

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoDevice, DemoResult
from fieldkit.demo.workspace import OPERATION
from fieldkit.field.device import Device
from fieldkit.field.loadout import read_loadout
from fieldkit.field.simulate import Cluster, make_draft, planted_clusters
from fieldkit.workspace import Workspace

ENGAGEMENTS_PER_DEVICE = 80


def log_week(ws: Workspace, seed: int, result: DemoResult, show: StepProgress) -> None:
    """Fill every device of the fleet, with the same planted clusters of signs."""
    first = sorted((ws.ops / OPERATION / "loadouts").glob("*.json"))[0]
    clusters = planted_clusters(read_loadout(first))
    total = len(result.devices) * ENGAGEMENTS_PER_DEVICE
    for i, device in enumerate(result.devices):
        device.records = fill_device(device, i, seed, ENGAGEMENTS_PER_DEVICE, clusters)
        show.step("simulate", (i + 1) * ENGAGEMENTS_PER_DEVICE, total, device.id)
    show.done("simulate", f"{total} engagements, {len(clusters)} planted clusters of signs")


def fill_device(
    device: DemoDevice, index: int, seed: int, engagements: int, clusters: list[Cluster]
) -> int:
    """Save the device's simulated week through the store (the same model as `simulate`)."""
    rng = random.Random(f"{seed}/{index}")
    rng.getrandbits(32)  # `simulate` draws its device id first: keep the same stream
    with Device.open(device.root) as dev:
        drafts = [make_draft(dev, rng, clusters) for _ in range(engagements)]
        drafts.sort(key=lambda d: d.time)
        recorded = [d.time + timedelta(minutes=rng.randint(1, 20)) for d in drafts]
        dev.save_many(drafts, recorded=recorded)
        return len(drafts)
