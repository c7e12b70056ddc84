"""Bench `fieldkit central verify`: every chain and signature at central, one core against all.

    python bench/verify.py [--records 20000] [--devices 2] [--dir DIR]

Prints one table: the records stored (through the devices' own record and signing code and a
sealed bundle each), then `central verify`'s rate with one worker and with one per core, in
the same run on the same store, and the ratio. The CPU seconds of this process and of the
workers are shown beside the wall time: on a machine other work keeps busy the wall time
says less than the CPU time does. No target is asserted; the issue asks for both rates.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FIELDKIT_CENTRAL_PASSPHRASE", "bench passphrase")
os.environ.setdefault("FIELDKIT_KDF_SECONDS", "0")
os.environ.setdefault("FIELDKIT_PASSPHRASE", "bench passphrase")

from table import Table, arguments, workdir  # noqa: E402

from fieldkit.central.bundle import import_bundle  # noqa: E402
from fieldkit.central.chain_verify import verify_chains  # noqa: E402
from fieldkit.central.store import Central, central_path  # noqa: E402
from fieldkit.field.chain_parallel import default_workers  # noqa: E402
from fieldkit.sync.bundle import export_bundle  # noqa: E402
from fieldkit.workspace import Workspace  # noqa: E402
from tests.support.sync import central_workspace, fill, new_device  # noqa: E402


def store(folder: Path, records: int, devices: int) -> Workspace:
    """A central holding `records` engagements from `devices` devices."""
    ws = central_workspace(folder / "ws")
    teams = sorted(p.stem for p in ws.ops.glob("*/loadouts/*.json"))[:devices]
    for team in teams:
        dev = folder / f"dev-{team}"
        new_device(ws, dev, team)
        each = records // len(teams)
        for start in range(0, each, 5000):
            fill(dev, min(5000, each - start), start)
        export_bundle(dev, folder / f"{team}.bundle")
        with Central(central_path(ws.sync)) as central:
            _, result, _ = import_bundle(central, folder / f"{team}.bundle")
        assert not result.rejected, result.rejected[:3]
    return ws


def timed_verify(ws: Workspace, workers: int) -> tuple[int, float, float, float]:
    """(records, wall s, this process's CPU s, the workers' CPU s) of one full verify."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    start = time.perf_counter()
    with Central(central_path(ws.sync)) as central:
        found = verify_chains(central, workers)
    took = time.perf_counter() - start
    me2, kids2 = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    assert found.ok, found.faults[:3]
    return (
        found.records,
        took,
        me2.ru_utime + me2.ru_stime - me.ru_utime - me.ru_stime,
        kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime,
    )


def bench(records: int, devices: int, folder: Path) -> Table:
    start = time.perf_counter()
    ws = store(folder, records, devices)
    rows = Table(("measure", "time", "rate"), right=[1])
    rows.append(
        (
            f"store {records:,} records from {devices} device(s)",
            f"{time.perf_counter() - start:.1f} s",
            "",
        )
    )
    cores = default_workers()
    rates = {}
    for workers in (1, cores):
        n, took, mine, theirs = timed_verify(ws, workers)
        rates[workers] = n / took
        rows.append(
            (
                f"central verify {n:,} records, {workers} worker(s)",
                f"{took:.2f} s",
                f"{rates[workers]:,.0f} records/s (CPU: {mine:.1f} s here, {theirs:.1f} s workers)",
            )
        )
    rows.append((f"central verify: {cores} cores vs one", "", f"{rates[cores] / rates[1]:.2f}x"))
    return rows


def main() -> None:
    args = arguments(__doc__, records=20_000, devices=2)
    with workdir(args.dir) as folder:
        table = bench(args.records, args.devices, folder)
    table.print()


if __name__ == "__main__":
    main()
