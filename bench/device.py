"""Bench the field device: save latency, `log list` for a day, simulate and verify rates.

    python bench/device.py [--records 100000] [--saves 200] [--dir DIR]

Prints one table. The baseline, measured in the same run on the same disk, is a plain
sqlite3 INSERT + COMMIT of a record-sized row with WAL and synchronous=FULL: the price of
a durable write that the kit's save cannot go under. Targets: save p99 <= 20 ms, `log list`
of today <= 50 ms, both with 100,000 records stored. The device's store is encrypted at rest
(SQLCipher); the same saves on a plain SQLite device store, in the same run, give the
encrypted store's rate against the plain one's (target >= 0.5x).

The app's opening is timed with Textual's headless run (App.run_test), from the App's
construction (this process has imported everything already) to its first screen (Home with
the device's counts) and on to Log mode showing today's visits and the newest engagements,
against the same on a device with an empty store (target <= 1 s with 100,000 stored). A fresh
process doing the same (`--open-app WORKSPACE`) gives the time from the process's start.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from table import Table, arguments, workdir

from fieldkit.cli import main
from fieldkit.field.chain_parallel import default_workers
from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.simulate import make_draft, planted_clusters, simulate
from fieldkit.field.store import DeviceStore
from fieldkit.field.unlock import give_passphrase

ROOT = Path(__file__).resolve().parent.parent
BARNET = ROOT / "playbooks" / "barnet-week-of-action.yaml"
PER_DAY = 100  # a busy device: the fill spreads records over past days, this many a day


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def timed(func: Callable[[], object], times: int) -> list[float]:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def baseline(folder: Path, times: int, size: int) -> list[float]:
    conn = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = "x" * size

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
        conn.execute("COMMIT")

    samples = timed(insert, times)
    conn.close()
    return samples


def fill(dev: Device, records: int, today: datetime) -> None:
    """`records` engagements over past days (PER_DAY a day, ending today) via the bulk path."""
    rng = random.Random(1)
    clusters = planted_clusters(dev.loadout)
    done = 0
    while done < records:
        chunk = []
        for _ in range(min(5000, records - done)):
            draft = make_draft(dev, rng, clusters)
            days_ago = (records - done - 1) // PER_DAY
            clock = draft.time.timetz()
            moment = datetime.combine((today - timedelta(days=days_ago)).date(), clock)
            draft.time = moment
            chunk.append(draft)
            done += 1
        dev.save_many(chunk)


def save_latency(dev: Device, times: int, at: datetime) -> list[float]:
    visit = dev.loadout.assignments[0]
    venue = dev.loadout.venues[visit.venue]

    def save() -> None:
        draft = dev.prefill(at)
        draft.update(
            venue=venue.id,
            venue_type=venue.type,
            outcomes=["leaflet_given"],
            indicators=["long_hours"],
        )
        dev.save(draft)

    return timed(save, times)


def log_list(root: Path, day: str, times: int) -> list[float]:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["log", "list", "--day", day, "-w", str(root)])
            except SystemExit as exc:
                assert exc.code == 0

    run()  # warm the imports once
    return timed(run, times)


def open_app(root: Path) -> tuple[float, float, float]:
    """Seconds from the App's construction to Home with the device's counts, and to Log mode
    with today's visits and the recent engagements shown (Textual's headless run); the clock
    time Home was shown at."""
    from textual.widgets import DataTable, Static

    from fieldkit.tui import make_app
    from fieldkit.tui.log.mode import LogMode
    from fieldkit.workspace import Workspace

    async def run() -> tuple[float, float, float]:
        start = time.perf_counter()
        app = make_app(Workspace(root))
        async with app.run_test(size=(80, 24)) as pilot:
            while "engagement" not in str(app.screen.query_one("#device-records", Static).content):
                await pilot.pause()
            home, shown = time.perf_counter() - start, time.time()
            await pilot.press("2")
            while not isinstance(app.screen, LogMode) or not (
                app.screen.query_one("#recent", DataTable).row_count
                or app.screen.device is not None
                and not app.screen.device.store.count()
            ):
                await pilot.pause()
            return home, time.perf_counter() - start, shown

    return asyncio.run(run())


def open_app_cold(root: Path) -> tuple[float, float, float]:
    """open_app in a fresh process: (process start to Home, App to Home, App to Log mode)."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--open-app", str(root)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FIELDKIT_PASSPHRASE": "the bench's passphrase"},
    )
    at_home, home, log = (float(x) for x in done.stdout.split())
    return at_home - start, home, log


def app_rows(full: Path, empty: Path) -> list[tuple[str, str, str, str]]:
    """The app opened on `full` against the same on `empty` (the baseline), best of 3."""
    rows = []
    for name, root in (("empty store", empty), (f"{_count(full):,} stored", full)):
        home, log, _ = min(open_app(root) for _ in range(3))
        rows.append(
            (
                f"app open, {name}: to Home / to Log mode",
                f"{home * 1000:.0f}",
                f"{log * 1000:.0f}",
                "from App(); target <= 1 s",
            )
        )
    cold, home, log = open_app_cold(full)
    rows.append(
        (
            f"app open in a fresh process, {_count(full):,} stored: to Home",
            f"{cold * 1000:.0f}",
            "",
            f"from the process's start (App to Home {home * 1000:.0f}, to Log {log * 1000:.0f})",
        )
    )
    return rows


def _count(root: Path) -> int:
    with Device.open(root) as dev:
        return dev.store.count()


def store_rows(
    name: str,
    dev: Device,
    records: int,
    saves: int,
    today: datetime,
    b99: float,
    rates: dict[str, float],
) -> list[tuple[str, str, str, str]]:
    """Save latency with 0 and `records` stored and the bulk fill between, on one store."""
    rows = []
    s50, s99 = percentiles(save_latency(dev, saves, today))
    target = "(target p99 <= 20 ms)"
    rows.append((f"{name}: save one, 0 stored", f"{s50:.2f}", f"{s99:.2f}", f"{s99 / b99:.1f}x"))
    start = time.perf_counter()
    fill(dev, records, today - timedelta(days=1))
    took = time.perf_counter() - start
    rows.append((f"{name}: bulk fill {records:,}", f"{took:.1f} s", "", f"{records / took:,.0f}/s"))
    samples = save_latency(dev, saves, today)
    s50, s99 = percentiles(samples)
    rates[name] = 1000 / statistics.mean(samples)
    stored = dev.store.count() - saves
    rows.append(
        (
            f"{name}: save one, {stored:,} stored",
            f"{s50:.2f}",
            f"{s99:.2f}",
            f"{s99 / b99:.1f}x, {rates[name]:,.0f} saves/s {target}",
        )
    )
    return rows


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished worker processes."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def verify_rows(folder: Path) -> list[tuple[str, str, str, str]]:
    """`log verify` on one core and on every core: the rates and their ratio (target >= 1.7x).

    The CPU seconds of this process and of the workers are shown beside the wall time: on a
    machine other work keeps busy, the wall time says less than the CPU time does. What the
    cores could give on an idle machine is the one-core CPU time over the longer of this
    process's CPU time and the whole CPU time shared by the cores."""
    rows, rates, cpu = [], {}, {}
    cores = default_workers()
    with Device.open(folder) as dev:
        for workers in (1, cores):
            mine, theirs = cpu_seconds()
            start = time.perf_counter()
            report = dev.verify(workers)
            took = time.perf_counter() - start
            mine, theirs = (a - b for a, b in zip(cpu_seconds(), (mine, theirs), strict=True))
            cpu[workers] = (mine, theirs)
            assert report.ok, report.breaks[:3]
            rates[workers] = report.checked / took
            rows.append(
                (
                    f"log verify {report.checked:,} records, {workers} worker(s)",
                    f"{took:.2f} s",
                    "",
                    f"{rates[workers]:,.0f} records/s; CPU {mine:.1f} s here + {theirs:.1f} s "
                    "in workers",
                )
            )
    ratio = rates[cores] / rates[1]
    rows.append((f"log verify: {cores} cores vs one", "", "", f"{ratio:.2f}x (target >= 1.7x)"))
    one = sum(cpu[1])
    here, workers_cpu = cpu[cores]
    ideal = one / max(here, (here + workers_cpu) / cores)
    rows.append(
        (
            f"log verify: {cores} cores vs one, by CPU time (an idle machine)",
            "",
            "",
            f"{ideal:.2f}x (target >= 1.7x)",
        )
    )
    return rows


def bench(records: int, saves: int, folder: Path) -> Table:
    ops = folder / "ws" / "ops"
    op = write_sample_loadouts(BARNET, ops)
    rows = Table(("measure", "p50 ms", "p99 ms", "vs baseline / rate"), right=[1, 2])
    base = baseline(folder, saves, 1500)
    b50, b99 = percentiles(base)
    rows.append(("baseline: sqlite3 insert+commit (WAL, FULL)", f"{b50:.2f}", f"{b99:.2f}", "1.0x"))

    give_passphrase("the bench's passphrase")
    enroll(op / "loadouts" / "alpha.json", folder / "dev")
    dev = Device.open(folder / "dev")
    # The same device on a plain SQLite store (no key): the baseline the encrypted one is
    # measured against, saving the same records with the same key.
    plain = Device(dev.folder, dev.info, dev.loadout, DeviceStore(folder / "plain.db", True))
    plain._key = dev.key
    today = dev.now()
    rates: dict[str, float] = {}
    for name, device in (("plain store", plain), ("encrypted store", dev)):
        rows.extend(store_rows(name, device, records, saves, today, b99, rates))
    ratio = rates["encrypted store"] / rates["plain store"]
    rows.append(
        (
            f"encrypted vs plain save rate at {records:,} stored",
            "",
            "",
            f"{ratio:.2f}x (target >= 0.5x)",
        )
    )
    plain.close()
    dev.close()

    l50, l99 = percentiles(log_list(folder / "dev", today.date().isoformat(), 30))
    rows.append(
        (
            f"`log list --day today` ({2 * saves} today, in-process)",
            f"{l50:.2f}",
            f"{l99:.2f}",
            "target <= 50 ms",
        )
    )
    yesterday = (today - timedelta(days=1)).date().isoformat()
    l50, l99 = percentiles(log_list(folder / "dev", yesterday, 30))
    rows.append(
        (
            f"`log list --day` a past day ({PER_DAY} records)",
            f"{l50:.2f}",
            f"{l99:.2f}",
            "target <= 50 ms",
        )
    )

    rows.extend(verify_rows(folder / "dev"))
    enroll(op / "loadouts" / "alpha.json", folder / "empty")
    rows.extend(app_rows(folder / "dev", folder / "empty"))

    sim_n = max(1000, records // 20)
    start = time.perf_counter()
    simulate(op, devices=4, engagements=sim_n // 4, seed=1)
    took = time.perf_counter() - start
    rows.append(
        (
            f"simulate 4 devices x {sim_n // 4:,}",
            f"{took:.2f} s",
            "",
            f"{sim_n / took:,.0f} engagements/s",
        )
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory (RSS)", f"{rss:.0f} MB", "", ""))
    return rows


def main_bench() -> None:
    if sys.argv[1:2] == ["--open-app"]:  # the fresh process of open_app_cold
        give_passphrase(os.environ["FIELDKIT_PASSPHRASE"])  # as the passphrase screen does
        home, log, shown = open_app(Path(sys.argv[2]))
        print(f"{shown} {home} {log}")
        return
    args = arguments(__doc__, records=100_000, saves=200)
    with workdir(args.dir) as folder:
        table = bench(args.records, args.saves, folder)
    table.print()


if __name__ == "__main__":
    main_bench()
