"""The sync API's answers to strangers, impostors and garbage: 401, 403, 4xx, never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from fieldkit.central.server import create_app
from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.sync.client import sync_now
from fieldkit.sync.device_side import central_link
from fieldkit.wire.protocol import MAX_BODY
from tests.support.sync import central_workspace, fill, live, new_device


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("security")
    ws = central_workspace(tmp)
    alpha, bravo = tmp / "alpha", tmp / "bravo"
    new_device(ws, alpha)
    new_device(ws, bravo, team="bravo")
    fill(alpha, 3)
    app = create_app(central_path(ws.sync), ws.ops)
    with TestClient(app) as client:
        yield {"ws": ws, "alpha": alpha, "bravo": bravo, "client": client, "app": app}


def token(root: Path) -> str:
    with Device.open(root) as dev:
        return central_link(dev).token


def auth(root: Path) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(root)}"}


def push_body(root: Path) -> dict[str, Any]:
    with Device.open(root) as dev:
        records = [r.to_dict() for r, _ in dev.store.records()]
        return {"device": dev.id, "public_key": dev.public_key, "records": records}


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nothing", "Bearer alpha-0000:wrong", "Basic abc", "Bearer :"],
)
def test_unknown_device_or_wrong_credential_is_401(
    setup: dict[str, Any], header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = setup["client"].get("/v1/hello", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"]


def test_wrong_secret_of_a_real_device_is_401(setup: dict[str, Any]) -> None:
    credential_id = token(setup["alpha"]).split(":")[0]
    answer = setup["client"].get(
        "/v1/hello", headers={"Authorization": f"Bearer {credential_id}:not-the-secret"}
    )
    assert answer.status_code == 401


def test_revoked_device_is_401_and_keeps_its_records(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    device = new_device(ws, dev)
    fill(dev, 4)
    with TestClient(create_app(central_path(ws.sync), ws.ops)) as client:
        assert client.post("/v1/push", json=push_body(dev), headers=auth(dev)).status_code == 200
        with Central(central_path(ws.sync)) as store:
            store.revoke(device)
        assert client.get("/v1/hello", headers=auth(dev)).status_code == 401
        assert client.post("/v1/push", json=push_body(dev), headers=auth(dev)).status_code == 401
    with Central(central_path(ws.sync)) as store:
        assert store.record_count(device) == 4


def test_another_key_for_a_bound_device_is_403(setup: dict[str, Any]) -> None:
    client, alpha = setup["client"], setup["alpha"]
    body = push_body(alpha)
    assert client.post("/v1/push", json=body, headers=auth(alpha)).status_code == 200
    other = {**body, "public_key": "ab" * 32}
    answer = client.post("/v1/push", json=other, headers=auth(alpha))
    assert answer.status_code == 403
    assert "another key" in answer.json()["detail"]


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"",
        b"[]",
        b'{"device": 3}',
        b'{"records": "x"}',
        b"\xff\xfe",
        b"null",
        b'{"cursor": 100000000000000000000000}',
        b'{"cursor": -1}',
    ],
)
def test_malformed_json_is_4xx_with_a_message(setup: dict[str, Any], payload: bytes) -> None:
    headers = {**auth(setup["alpha"]), "Content-Type": "application/json"}
    for path in ("/v1/push", "/v1/pull"):
        answer = setup["client"].post(path, content=payload, headers=headers)
        assert 400 <= answer.status_code < 500, (path, payload, answer.text)
        assert answer.json()["detail"]


def test_malformed_records_are_refused_not_stored(setup: dict[str, Any]) -> None:
    client, alpha = setup["client"], setup["alpha"]
    body = push_body(alpha)
    body["records"] = [{"device": body["device"], "id": "x"}, {"device": body["device"]}]
    answer = client.post("/v1/push", json=body, headers=auth(alpha))
    assert answer.status_code == 200
    assert answer.json()["acknowledged"] == []
    assert [r["kind"] for r in answer.json()["rejected"]] == ["malformed", "malformed"]


def test_request_over_the_size_limit_is_413(setup: dict[str, Any]) -> None:
    big = b'{"cursor": 0, "pad": "' + b"x" * (MAX_BODY + 10) + b'"}'
    answer = setup["client"].post(
        "/v1/pull",
        content=big,
        headers={**auth(setup["alpha"]), "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_a_device_pulls_only_its_own_teams_plan(setup: dict[str, Any]) -> None:
    for root, team in ((setup["alpha"], "alpha"), (setup["bravo"], "bravo")):
        answer = setup["client"].post("/v1/pull", json={"cursor": 0}, headers=auth(root))
        assert answer.status_code == 200
        assert answer.json()["change"]["loadout"]["team"]["id"] == team
        assert "central" not in answer.json()["change"]["loadout"]


def test_openapi_is_served(setup: dict[str, Any]) -> None:
    spec = setup["client"].get("/openapi.json").json()
    assert {"/v1/push", "/v1/pull", "/v1/hello", "/v1/health"} <= set(spec["paths"])


@pytest.fixture(scope="module")
def api_schema(setup: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", setup["app"])


fuzz = schemathesis.pytest.from_fixture("api_schema")


@fuzz.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzing_the_api_finds_no_server_error(case: Any, setup: dict[str, Any]) -> None:
    for headers in ({}, auth(setup["bravo"])):
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text


def test_pull_brings_only_what_changed_and_the_device_applies_it(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    with live(ws) as server:
        first = sync_now(dev, server.url)
        assert first.plan_changed is False  # enrolled from the current plan: nothing to apply
        path = next(ws.ops.glob("*/loadouts/alpha.json"))
        data = json.loads(path.read_text())
        moved = data["assignments"][0]
        moved["instructions"] = "meet at the north entrance"
        path.write_text(json.dumps(data))
        second = sync_now(dev, server.url)
        assert second.plan_changed is True and second.plan_version > first.plan_version
        third = sync_now(dev, server.url)
        assert third.plan_changed is False and third.plan_version == second.plan_version
    with Device.open(dev) as device:
        visit = device.loadout.assignment(moved["visit"])
        assert visit is not None and visit.instructions == "meet at the north entrance"
        assert central_link(device).secret  # kept through the update


def test_pull_names_what_changed_since_the_cursor(tmp_path: Path) -> None:
    from fieldkit.central.plans import publish, pull
    from fieldkit.wire.protocol import content_sha256

    ws = central_workspace(tmp_path)
    path = next(ws.ops.glob("*/loadouts/alpha.json"))
    data = json.loads(path.read_text())
    with Central(central_path(ws.sync)) as store:
        first = pull(store, data["operation"]["id"], "alpha", 0, None)
        assert first.change is not None and first.change.loadout["team"]["id"] == "alpha"
        assert pull(store, data["operation"]["id"], "alpha", first.cursor, None).change is None
        same = pull(store, data["operation"]["id"], "alpha", 0, content_sha256(data))
        assert same.change is None and same.cursor == first.cursor
        gone, moved = data["assignments"][0], data["assignments"][1]
        data["assignments"] = data["assignments"][1:]
        moved["instructions"] = "changed"
        path.write_text(json.dumps(data))
        assert publish(store, ws.ops) == 1 and publish(store, ws.ops) == 0
        later = pull(store, data["operation"]["id"], "alpha", first.cursor, None)
        assert later.change is not None
        assert (later.change.added, later.change.removed, later.change.changed) == (
            [],
            [gone["visit"]],
            [moved["visit"]],
        )
