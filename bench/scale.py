"""Bench scale: a national year on one central (2,000 devices, 200 operations, 2,000,000 records).

    python bench/scale.py [--records 2000000] [--devices 2000] [--operations 200]
                          [--http-devices 20] [--dir DIR]

Every record is made by the kit's own record and signing code (`Engagement.sealed` with each
device's Ed25519 key; bench/scale_chain.py), in one worker process per core. Each operation is
tests/support/operation.py's week under its own id (ops/op-NNN/plan.json). Devices are
enrolled on central in bulk (one credential hash for all: the credential check is not what is
measured) and bound to their keys; `--http-devices` of them are enrolled as usual and push
over HTTP to a real `fieldkit central serve` on 127.0.0.1, the others' sealed bundles are
imported. Prints one table, with the baselines measured in the same run:

- ingest: sealed bundle import (open, check, ingest) against sqlite-utils `insert_all` of the
  same rows, device by device, into a plain SQLite database (WAL, synchronous=FULL) on the
  same disk (target >= 0.40x); the HTTP share's rate beside it;
- a sync with nothing new (hello and pull, as `fieldkit sync` does; median of 9; <= 50 ms);
- one operation's report and map with the whole year stored, against the same operation alone
  in a fresh central (median of 3 each; target <= 1.5x);
- central status (<= 1 s) and central conflicts, as the commands read them;
- central.db bytes per record; peak memory of this process and of its children (<= 1 GB);
- `central verify` records/s with one worker per core against one worker.

The 1-minute load average is printed beside every figure (the machine is shared). Progress
lines go to stderr.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import ssl
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("FIELDKIT_CENTRAL_PASSPHRASE", "bench passphrase")
os.environ.setdefault("FIELDKIT_KDF_SECONDS", "0")
os.environ.setdefault("FIELDKIT_PASSPHRASE", "bench passphrase")

from scale_central import enrol_bulk, enrol_http, workspace  # noqa: E402
from scale_chain import device_for, make_device_files  # noqa: E402
from table import Table, arguments, say, workdir  # noqa: E402

from fieldkit.central.bundle import import_bundle  # noqa: E402
from fieldkit.central.chain_verify import verify_chains  # noqa: E402
from fieldkit.central.ingest import ingest  # noqa: E402
from fieldkit.central.store import (  # noqa: E402
    Central,
    central_path,
    central_status,
)
from fieldkit.field.chain_parallel import default_workers  # noqa: E402
from fieldkit.maps.service import build_map_files, build_report_files  # noqa: E402
from fieldkit.workspace import Workspace  # noqa: E402
from tests.support.sync import LiveServer  # noqa: E402


def generate(
    folder: Path, devices: int, operations: int, records: int, seal: str, http: set[int]
) -> float:
    """Write every device's files in worker processes; returns seconds taken."""
    each, extra = divmod(records, devices)
    start = time.perf_counter()
    with ProcessPoolExecutor(default_workers()) as pool:
        jobs = [
            pool.submit(
                make_device_files, n, operations, each + (n < extra), str(folder),
                None if n in http else seal,
            )
            for n in range(devices)
        ]  # fmt: skip
        for done, job in enumerate(jobs, 1):
            job.result()
            if done % max(1, devices // 10) == 0:
                say(f"generated {done:,} of {devices:,} devices")
    return time.perf_counter() - start


def raw_rows(lines: bytes) -> list[dict[str, Any]]:
    rows = []
    for line in lines.splitlines():
        r = json.loads(line)
        rows.append(
            {
                "id": r["id"], "device": r["device"], "hlc": r["hlc"],
                "prev_hash": r["prev_hash"], "hash": r["hash"], "amends": r.get("amends"),
                "record": line.decode(), "received_at": "2023-09-26T19:00:00+00:00",
            }
        )  # fmt: skip
    return rows


def raw_baseline(folder: Path, numbers: list[int]) -> tuple[int, float]:
    """sqlite-utils insert_all of every device's rows in turn: (rows, seconds inserting)."""
    db = sqlite_utils.Database(folder / "raw.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    total, took = 0, 0.0
    for done, n in enumerate(numbers, 1):
        rows = raw_rows((folder / f"d{n}.jsonl").read_bytes())
        start = time.perf_counter()
        db["records"].insert_all(rows, pk="id", batch_size=500)
        took += time.perf_counter() - start
        total += len(rows)
        if done % max(1, len(numbers) // 10) == 0:
            say(f"baseline: {done:,} of {len(numbers):,} devices, {total / took:,.0f} rows/s")
    db.close()
    (folder / "raw.db").unlink()
    return total, took


def import_all(ws: Workspace, folder: Path, numbers: list[int]) -> tuple[int, float]:
    """Every bundle imported in turn: (records stored, seconds importing)."""
    total, took = 0, 0.0
    with Central(central_path(ws.sync)) as store:
        for done, n in enumerate(numbers, 1):
            start = time.perf_counter()
            _, result, _ = import_bundle(store, folder / f"d{n}.bundle")
            took += time.perf_counter() - start
            assert not result.rejected, result.rejected[:3]
            total += result.new
            (folder / f"d{n}.bundle").unlink()
            if done % max(1, len(numbers) // 10) == 0:
                say(f"ingest: {done:,} of {len(numbers):,} bundles, {total / took:,.0f} records/s")
    return total, took


def push_http(url: str, folder: Path, devs: dict[int, str], operations: int) -> tuple[int, float]:
    """Each HTTP device pushes its records in batches of 500, all devices at once."""
    sent: list[int] = []

    def one(n: int, secret: str) -> None:
        dev = device_for(n, operations)
        records = [json.loads(x) for x in (folder / f"d{n}.jsonl").read_bytes().splitlines()]
        auth = {"Authorization": f"Bearer cred-{n}:{secret}"}
        with httpx.Client(base_url=url + "/v1", headers=auth, timeout=300) as http:
            for at in range(0, len(records), 500):
                body = {
                    "device": dev.device,
                    "public_key": dev.key.public_hex,
                    "records": records[at : at + 500],
                }
                answer = http.post("/push", json=body)
                answer.raise_for_status()
                assert not answer.json()["rejected"], answer.json()["rejected"][:2]
        sent.append(len(records))

    threads = [threading.Thread(target=one, args=item) for item in devs.items()]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(sent), time.perf_counter() - start


@functools.cache
def device_trust() -> ssl.SSLContext:
    """The TLS context a device's process makes once (loading CA certificates costs ~0.1 s)."""
    return httpx.create_ssl_context()


def quiet_sync(url: str, n: int, secret: str, http: httpx.Client | None = None) -> float:
    """ms of one sync with nothing new: hello, then pull; on a fresh connection as a device
    makes one (with the TLS context a device's process makes once, as `fieldkit sync` does),
    unless `http` is given (then central's part alone)."""
    start = time.perf_counter()
    client = http or httpx.Client(
        base_url=url + "/v1",
        headers={"Authorization": f"Bearer cred-{n}:{secret}"},
        timeout=30,
        verify=device_trust(),
    )
    client.get("/hello").raise_for_status()
    client.post("/pull", json={"cursor": 0, "have": None}).raise_for_status()
    if http is None:
        client.close()
    return (time.perf_counter() - start) * 1000


def median_of(runs: int, call: Callable[[], object]) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def fresh_central(folder: Path, op: str, numbers: list[int], operations: int) -> Workspace:
    """A new central holding only operation `op`'s devices and records (ingested directly)."""
    ws = workspace(folder, [op])
    mine = [n for n in numbers if device_for(n, operations).operation == op]
    with Central(central_path(ws.sync)) as store:
        enrol_bulk(store, mine, operations)
        for n in mine:
            dev = device_for(n, operations)
            lines = (folder.parent / f"d{n}.jsonl").read_bytes().splitlines()
            result = ingest(store, dev.device, dev.key.public_hex, [json.loads(x) for x in lines])
            assert not result.rejected, result.rejected[:3]
    return ws


def read_paths(table: Table, ws: Workspace, alone: Workspace, op: str) -> None:
    """Report and map of `op`, the whole year stored against the operation alone."""
    for what, build in (
        ("report", lambda w: build_report_files(w, op)),
        ("map", lambda w: build_map_files(w, op)),
    ):
        solo = median_of(3, lambda b=build: b(alone))  # type: ignore[misc]
        full = median_of(3, lambda b=build: b(ws))  # type: ignore[misc]
        table.add(f"{what} of {op}, operation alone", f"{solo:.2f} s", "baseline 1.00x")
        table.add(
            f"{what} of {op}, whole year stored", f"{full:.2f} s", f"{full / solo:.2f}x (<= 1.5x)"
        )


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def bench(args: argparse.Namespace, folder: Path) -> Table:
    table = Table(("measure", "result", "ratio / target"), right=[1], echo=True)
    ops = [f"op-{k:03d}" for k in range(args.operations)]
    ws = workspace(folder / "central", ops)
    data = folder / "data"
    data.mkdir()
    http = list(range(args.devices - args.http_devices, args.devices))
    bundled = [n for n in range(args.devices) if n not in set(http)]
    with Central(central_path(ws.sync)) as store:
        seal = store.sealing_key().public_hex
        enrol_bulk(store, bundled, args.operations)
    secrets = enrol_http(ws, http, args.operations)
    say(f"generating {args.records:,} records on {args.devices:,} devices")
    took = generate(data, args.devices, args.operations, args.records, seal, set(http))
    table.add(
        f"generate and sign {args.records:,} records ({default_workers()} processes)",
        f"{took:.0f} s",
        f"{args.records / took:,.0f} records/s",
    )

    rows, raw_s = raw_baseline(data, bundled)
    raw = rows / raw_s
    table.add(f"baseline: insert_all {rows:,} rows, device by device", f"{raw:,.0f}/s", "1.00x")
    stored, ingest_s = import_all(ws, data, bundled)
    rate = stored / ingest_s
    table.add(
        f"sealed bundles imported: {len(bundled):,}, {stored:,} records",
        f"{rate:,.0f}/s",
        f"{rate / raw:.2f}x (>= 0.40x); {ingest_s:.0f} s",
    )

    server = LiveServer(ws)
    server.start(wait=300)
    try:
        pushed, http_s = push_http(server.url, data, secrets, args.operations)
        table.add(
            f"HTTP push, {len(http)} devices at once, {pushed:,} records",
            f"{pushed / http_s:,.0f}/s",
            f"{pushed / http_s / raw:.2f}x",
        )
        n = http[0]
        secret = secrets[n]
        quiet_sync(server.url, n, secret)
        samples = [quiet_sync(server.url, n, secret) for _ in range(9)]
        table.add(
            f"sync with nothing new, central holds {stored + pushed:,}",
            f"{statistics.median(samples):.1f} ms",
            f"max {max(samples):.1f} ms (<= 50 ms)",
        )
        auth = {"Authorization": f"Bearer cred-{n}:{secret}"}
        with httpx.Client(base_url=server.url + "/v1", headers=auth, timeout=30) as http:
            kept = [quiet_sync(server.url, n, secret, http) for _ in range(9)]
        table.add(
            "  the same on one open connection (central's part)",
            f"{statistics.median(kept):.1f} ms",
            f"max {max(kept):.1f} ms",
        )
    finally:
        server.stop()

    op = ops[len(ops) // 2]
    alone = fresh_central(data / "alone", op, list(range(args.devices)), args.operations)
    read_paths(table, ws, alone, op)

    status_s = median_of(3, lambda: central_status(ws.sync))
    table.add("central status (open, status, open problems)", f"{status_s:.2f} s", "<= 1 s")
    with Central(central_path(ws.sync)) as store:
        conflicts_s = median_of(3, store.conflicts)
        found = len(store.conflicts())
        total = store.record_count()
    table.add(f"central conflicts ({found:,} found)", f"{conflicts_s * 1000:.0f} ms", "")
    db = central_path(ws.sync)
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    table.add(
        f"central.db size, {total:,} records",
        f"{size / 1e9:.2f} GB",
        f"{size / total:,.0f} bytes/record",
    )
    verify_rows(table, ws)
    me, kids = peak_mb()
    table.add("peak memory: this process / largest child", f"{me:,.0f} MB", f"{kids:,.0f} MB")
    return table


def verify_rows(table: Table, ws: Workspace) -> None:
    cores = default_workers()
    rates = {}
    for workers in (cores, 1):
        start = time.perf_counter()
        with Central(central_path(ws.sync)) as store:
            found = verify_chains(store, workers)
        took = time.perf_counter() - start
        assert found.ok, found.faults[:3]
        rates[workers] = found.records / took
        table.add(
            f"central verify {found.records:,} records, {workers} worker(s)",
            f"{rates[workers]:,.0f}/s",
            f"{took:.0f} s",
        )
    table.add(f"central verify: {cores} cores vs one", f"{rates[cores] / rates[1]:.2f}x", "")


def main() -> None:
    args = arguments(__doc__, records=2_000_000, devices=2000, operations=200, http_devices=20)
    started = time.perf_counter()
    say(f"load average at the start: {os.getloadavg()}")
    with workdir(args.dir) as folder:
        table = bench(args, folder)
    table.add("whole run", f"{time.perf_counter() - started:.0f} s", "")
    table.print()


if __name__ == "__main__":
    main()
