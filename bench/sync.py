"""Bench sync: sealed bundle ingest, HTTP ingest with 1 and 20 devices, a sync with nothing new.

    python bench/sync.py [--records 20000] [--big 100000] [--dir DIR]

Prints one table. The baseline, measured in the same run on the same disk, is sqlite-utils
`insert_all` of the very rows central stores into a fresh plain SQLite database (WAL,
synchronous=FULL, as central): the physical limit of writing them; the same insert into a
SQLCipher database keyed as central's is shown beside it. Central's store is encrypted
(SQLCipher) and the bundle is sealed to central: the import timed opens the sealed file,
checks it and ingests it. The bundle timed comes from a device central already knows (its
first bundle registered its key, once per device). Targets: sealed bundle ingest >= 30% of
the plain baseline; HTTP ingest with 20 concurrent devices >= 2,000 records/s on
loopback; a sync with nothing new against a central holding 100,000 records <= 50 ms
(median of 9). The two baselines and the bundle import are each the median of RUNS runs, the
import each time into central as it was before it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Central's store is unlocked from the environment; the key derivation runs once per open,
# outside everything timed, so the cheapest parameters keep the bench short.
os.environ.setdefault("FIELDKIT_CENTRAL_PASSPHRASE", "bench passphrase")
os.environ.setdefault("FIELDKIT_KDF_SECONDS", "0")
# The devices' stores are encrypted too, unlocked the same way.
os.environ.setdefault("FIELDKIT_PASSPHRASE", "bench passphrase")

from table import Table, arguments, workdir  # noqa: E402

#: The baselines and the bundle import are each the median of this many runs (the machine's
#: speed drifts by a fifth from one run to the next).
RUNS = 3

from fieldkit.at_rest import new_data_key  # noqa: E402
from fieldkit.central.bundle import import_bundle  # noqa: E402
from fieldkit.central.ingest import ingest  # noqa: E402
from fieldkit.central.store import Central, central_path  # noqa: E402
from fieldkit.encrypted_store import connect_encrypted  # noqa: E402
from fieldkit.field.device import Device  # noqa: E402
from fieldkit.sync.bundle import export_bundle  # noqa: E402
from fieldkit.sync.client import sync_now  # noqa: E402
from fieldkit.sync.device_side import central_link  # noqa: E402
from tests.support.sync import (  # noqa: E402
    LiveServer,
    central_workspace,
    fill,
    new_device,
)


def raw_rate(records: list[dict[str, object]], folder: Path, encrypted: bool = False) -> float:
    """Rows per second of a bare insert_all into a fresh database (SQLCipher if `encrypted`)."""
    rows = [
        {
            "id": r["id"],
            "device": r["device"],
            "hlc": r["hlc"],
            "prev_hash": r["prev_hash"],
            "hash": r["hash"],
            "amends": r.get("amends"),
            "record": json.dumps(r),
            "received_at": "2023-09-26T19:00:00+00:00",
        }
        for r in records
    ]
    if encrypted:
        conn = connect_encrypted(folder / "raw-encrypted.db", new_data_key(), isolation_level=None)
        db = sqlite_utils.Database(conn)
    else:
        db = sqlite_utils.Database(folder / "raw.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    db["records"].insert_all(rows, pk="id", batch_size=500)
    took = time.perf_counter() - start
    db.close()
    return len(rows) / took


def fresh(folder: Path, name: str) -> Path:
    """A new empty folder under `folder` (a baseline run writes its own database)."""
    made = folder / f"{name}-{len(list(folder.glob(name + '-*')))}"
    made.mkdir()
    return made


def fill_big(root: Path, n: int) -> None:
    for start in range(0, n, 5000):
        fill(root, min(5000, n - start), start)


def bench(records: int, big: int, folder: Path) -> Table:
    rows = Table(("measure", "result", "ratio / target"), right=[1], echo=True)
    ws = central_workspace(folder / "a")
    dev = folder / "a" / "dev"
    new_device(ws, dev)
    # The device's first bundle registers its key (a one-off scrypt check of its credential);
    # the bundle timed is an ordinary one, from a device central knows.
    fill(dev, 1)
    export_bundle(dev, folder / "first.zip")
    with Central(central_path(ws.sync)) as store:
        import_bundle(store, folder / "first.zip")
    fill_big(dev, records)
    with Device.open(dev) as device:
        all_records = [r.to_dict() for r, _ in device.store.records(history=True)][1:]
    raw = statistics.median(raw_rate(all_records, fresh(folder, "raw")) for _ in range(RUNS))
    rows.append((f"baseline: sqlite-utils insert_all {records:,} rows", f"{raw:,.0f}/s", "1.00x"))
    raw_sqlcipher = statistics.median(
        raw_rate(all_records, fresh(folder, "raw"), encrypted=True) for _ in range(RUNS)
    )
    rows.append(
        (
            "  the same insert into SQLCipher",
            f"{raw_sqlcipher:,.0f}/s",
            f"{raw_sqlcipher / raw:.2f}x",
        )
    )

    bundle = folder / "dev.bundle.json"
    export_bundle(dev, bundle)
    before = folder / "sync-before"
    shutil.copytree(ws.sync, before)
    rates = []
    for _ in range(RUNS):  # each run into central as it was before the bundle
        shutil.rmtree(ws.sync)
        shutil.copytree(before, ws.sync)
        with Central(central_path(ws.sync)) as store:
            start = time.perf_counter()
            _, result, _ = import_bundle(store, bundle)
            took = time.perf_counter() - start
        assert result.new == records, result.rejected[:3]
        rates.append(records / took)
    rate = statistics.median(rates)
    rows.append(
        (
            f"sealed bundle import {records:,} records (open + verify + ingest)",
            f"{rate:,.0f}/s",
            f"{rate / raw:.2f}x (target >= 0.30x)",
        )
    )

    server = LiveServer(ws)
    server.start(wait=120)  # a loaded machine starts it slowly
    try:
        one = folder / "a" / "one"
        new_device(ws, one)
        fill_big(one, records // 4)
        start = time.perf_counter()
        sync_now(one, server.url, timeout=120)
        took = time.perf_counter() - start
        rows.append(
            (
                f"HTTP push, 1 device, {records // 4:,} records",
                f"{records / 4 / took:,.0f}/s",
                f"{records / 4 / took / raw:.2f}x",
            )
        )

        many = [folder / "a" / f"d{i}" for i in range(20)]
        each = max(1, records // 40)
        for i, root in enumerate(many):
            new_device(ws, root, team=("alpha", "bravo", "charlie", "delta")[i % 4])
            fill(root, each)
        threads = [
            threading.Thread(target=sync_now, args=(root, server.url), kwargs={"timeout": 120})
            for root in many
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        total = 20 * each
        rows.append(
            (
                f"HTTP push, 20 devices at once, {total:,} records",
                f"{total / took:,.0f}/s",
                "target >= 2,000/s",
            )
        )
    finally:
        server.stop()

    # A central holding `big` records, and a device with nothing new.
    ws_big = central_workspace(folder / "b")
    quiet = folder / "b" / "quiet"
    new_device(ws_big, quiet)
    fill(quiet, 10)
    with Central(central_path(ws_big.sync)) as store:
        filler = folder / "b" / "filler"
        new_device(ws_big, filler)
        fill_big(filler, big)
        with Device.open(filler) as device:
            recs = [r.to_dict() for r, _ in device.store.records(history=True)]
            row = store.device_row(central_link(device).credential_id)
            assert row is not None
            store.bind(row, device.id, device.public_key)
            for at in range(0, len(recs), 5000):
                ingest(store, device.id, device.public_key, recs[at : at + 5000])
        held = store.record_count()
    server = LiveServer(ws_big)
    server.start(wait=120)  # a loaded machine starts it slowly
    try:
        sync_now(quiet, server.url)
        samples = []
        for _ in range(9):
            start = time.perf_counter()
            report = sync_now(quiet, server.url)
            samples.append((time.perf_counter() - start) * 1000)
            assert report.sent == 0
        rows.append(
            (
                f"sync with nothing new, central holds {held:,}",
                f"{statistics.median(samples):.1f} ms (max {max(samples):.1f})",
                "target <= 50 ms",
            )
        )
    finally:
        server.stop()
    return rows


def main() -> None:
    args = arguments(__doc__, records=20000, big=100000)
    with workdir(args.dir) as folder:
        table = bench(args.records, args.big, folder)
    table.print()


if __name__ == "__main__":
    main()
