"""One push, one owner check: HTTP pushes and bundle imports check a batch's device once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import fieldkit.central.bundle
import fieldkit.central.ingest
import fieldkit.central.server
from fieldkit.central.bundle import import_bundle
from fieldkit.central.server import create_app
from fieldkit.central.store import Central, central_path
from fieldkit.field import outbox
from fieldkit.field.device import Device
from fieldkit.sync.bundle import export_bundle
from fieldkit.sync.device_side import central_link
from tests.support.sync import central_workspace, fill, new_device

MODULES = (fieldkit.central.ingest, fieldkit.central.server, fieldkit.central.bundle)


@pytest.fixture
def owner_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The device of every owner check made, wherever it is called from."""
    calls: list[str] = []
    real = fieldkit.central.ingest.check_owner

    def counted(records: list[dict[str, Any]], device: str) -> None:
        calls.append(device)
        real(records, device)

    for module in MODULES:
        monkeypatch.setattr(module, "check_owner", counted, raising=False)
    return calls


def test_an_http_push_checks_its_records_owner_once(
    tmp_path: Path, owner_checks: list[str]
) -> None:
    ws = central_workspace(tmp_path)
    root = tmp_path / "dev"
    new_device(ws, root)
    fill(root, 3)
    with Device.open(root) as dev:
        body = {
            "device": dev.id,
            "public_key": dev.public_key,
            "records": [r.to_dict() for r in outbox.to_send(dev.store)],
        }
        token = central_link(dev).token
    with TestClient(create_app(central_path(ws.sync), ws.ops)) as client:
        answer = client.post("/v1/push", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["new"] == 3
    assert owner_checks == [body["device"]]


def test_a_bundle_import_checks_its_records_owner_once(
    tmp_path: Path, owner_checks: list[str]
) -> None:
    ws = central_workspace(tmp_path)
    root = tmp_path / "dev"
    device = new_device(ws, root)
    fill(root, 3)
    export_bundle(root, tmp_path / "dev.zip")
    with Central(central_path(ws.sync)) as store:
        _answer, result, _seen = import_bundle(store, tmp_path / "dev.zip")
    assert result.new == 3
    assert owner_checks == [device]
