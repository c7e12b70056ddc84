"""The demo's checks: every device's chain intact and acknowledged, central holding them all."""

from __future__ import annotations

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoResult
from fieldkit.demo.sync_step import central_holdings
from fieldkit.demo.workspace import DemoFailed
from fieldkit.field.device import Device
from fieldkit.workspace import Workspace


def verify_fleet(ws: Workspace, result: DemoResult, show: StepProgress) -> None:
    """Verify each device, read central's counts; DemoFailed naming whatever is wrong."""
    count = len(result.devices)
    for i, device in enumerate(result.devices):
        with Device.open(device.root) as dev:
            chain = dev.verify()
            device.chain_ok = chain.ok
            device.breaks = [f"#{b.seq} {b.kind}: {b.detail}" for b in chain.breaks]
            device.acknowledged = dev.sync_counts()["acknowledged"]
        show.step("verify", i + 1, count, device.id)
    result.central_records, result.problems = central_holdings(ws)
    wrong = _what_is_wrong(result)
    if wrong:
        raise DemoFailed("the demo's checks failed:\n" + "\n".join(f"  {w}" for w in wrong))
    expected = sum(d.records for d in result.devices)
    show.done("verify", f"{count} chain(s) intact, {expected} on central, no problems")


def _what_is_wrong(result: DemoResult) -> list[str]:
    wrong = [f"{d.id}: {', '.join(d.breaks)}" for d in result.devices if not d.chain_ok]
    wrong += [
        f"{d.id}: {d.acknowledged} of {d.records} acknowledged"
        for d in result.devices
        if d.acknowledged != d.records
    ]
    expected = sum(d.records for d in result.devices)
    if result.central_records != expected:
        wrong.append(f"central holds {result.central_records} records, devices {expected}")
    wrong += [f"central: {p['device']}: {p['kind']}: {p['detail']}" for p in result.problems]
    return wrong
