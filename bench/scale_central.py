"""The bench's central: a workspace of many operations and its devices enrolled in bulk."""

from __future__ import annotations

import json
from pathlib import Path

from scale_chain import device_for

from fieldkit.central.store import ACTIVE, Central, central_path, hash_secret
from fieldkit.workspace import Workspace, init_workspace
from tests.support.operation import plan_doc


def workspace(folder: Path, operations: list[str]) -> Workspace:
    """A workspace with ops/OP/plan.json for each operation and an initialised central."""
    ws, _ = init_workspace(folder)
    for op in operations:
        doc = plan_doc()
        doc["operation"]["id"] = op
        doc["operation"]["name"] = f"Week of action {op}"
        (ws.ops / op).mkdir(parents=True, exist_ok=True)
        (ws.ops / op / "plan.json").write_text(json.dumps(doc), "utf-8")
    Central(central_path(ws.sync), create=True).close()
    return ws


def enrol_bulk(store: Central, numbers: list[int], operations: int) -> None:
    """Device rows for `numbers`, bound to their keys, in one transaction (one credential hash
    for all: scrypt per device is enrolment's cost, not what is measured here)."""
    salt = b"bench salt 16 by"
    digest = hash_secret("bench secret", salt)
    now = "2023-09-24T08:00:00+00:00"
    rows = []
    for n in numbers:
        dev = device_for(n, operations)
        rows.append(
            (
                f"cred-{n}", dev.device, dev.team, dev.operation, dev.officer, salt.hex(),
                digest, dev.key.public_hex, ACTIVE, now, now,
            )
        )  # fmt: skip
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO devices (id, device, team, operation, officer, salt, credential_hash,"
            " public_key, status, enrolled_at, registered_at, head_count)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            rows,
        )


def enrol_http(ws: Workspace, numbers: list[int], operations: int) -> dict[int, str]:
    """The HTTP devices, enrolled as `central enroll-device` does (a credential each)."""
    out = {}
    with Central(central_path(ws.sync)) as store:
        for n in numbers:
            dev = device_for(n, operations)
            _, secret = store.enroll_device(dev.team, dev.operation, dev.officer, f"cred-{n}")
            out[n] = secret
    return out
