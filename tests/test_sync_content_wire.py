"""Hostile records over the wire: the real server answers 200 and names them, bundles too;
whatever a device signs, ingest never fails, nothing unsound is stored, maps still work."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.central.content import CONTENT_RULES, FORM_RULES, broken
from fieldkit.central.ingest import ingest
from fieldkit.central.known import device_context
from fieldkit.central.server import create_app
from fieldkit.central.store import Central, ForbiddenError, central_path
from fieldkit.field.keys import DeviceKey
from fieldkit.wire.seal import open_sealed
from fieldkit.workspace import Workspace
from tests.support import operation
from tests.support import records as hostile
from tests.support.bundles import seal_for
from tests.support.cli import WIDE, fieldkit, fieldkit_ok
from tests.support.sync import live

OP = operation.OP
DEVICE = "alpha-hostile"


def enrolled(root: Path) -> tuple[Workspace, str, str]:
    """The map tests' operation, with one more alpha credential: (workspace, id, secret)."""
    ws = operation.make_workspace(root)
    with Central(central_path(ws.sync)) as store:
        cred, secret = store.enroll_device("alpha", OP, "pc-alpha", device_id="alpha-cred")
    return ws, cred, secret


def mine(key: DeviceKey, **changes: Any) -> tuple[dict[str, Any], bytes]:
    return hostile.seal({**hostile.record(DEVICE, OP, "alpha", "pc-alpha"), **changes}, key)


def push(url: str, cred: str, secret: str, key: DeviceKey, records: list[Any]) -> httpx.Response:
    body = {"device": DEVICE, "public_key": key.public_hex, "records": records}
    return httpx.post(
        f"{url}/v1/push",
        content=json.dumps(body),  # ASCII: a lone surrogate travels as its JSON escape
        headers={"Authorization": f"Bearer {cred}:{secret}", "Content-Type": "application/json"},
        timeout=30,
    )


def test_the_server_names_hostile_records_and_maps_still_work(tmp_path: Path) -> None:
    ws, cred, secret = enrolled(tmp_path / "ws")
    key = DeviceKey.generate()
    good, _ = mine(key)
    surrogate, _ = mine(key, notes="name: \ud800", prev_hash=good["hash"])
    far, _ = mine(key, lat=1e308, prev_hash=good["hash"])
    numbered = {**mine(key)[0], "id": 5}
    with live(ws) as server:
        answer = push(server.url, cred, secret, key, [good, surrogate, far, numbered])
        assert answer.status_code == 200, answer.text
        assert answer.json()["acknowledged"] == [good["id"]]
        assert [(r["id"], r["kind"], r["detail"]) for r in answer.json()["rejected"]] == [
            (surrogate["id"], "malformed",
             "not a valid record: notes is not valid UTF-8 text (it holds a lone surrogate)"),
            (None, "malformed", 'not a valid record: field "id" has the wrong type (int)'),
            (far["id"], "content", "lat 1e+308 is not a latitude (-90..90)"),
        ]  # fmt: skip
    root = str(ws.root)
    status = fieldkit_ok("central", "status", "--workspace", root, env=WIDE).stdout
    assert "alpha-hostile: content: lat 1e+308 is not a latitude (-90..90)" in status
    assert "notes is not valid UTF-8 text" in status
    assert "39 engagement(s)" in fieldkit_ok("report", "--workspace", root, env=WIDE).stdout
    fieldkit_ok("map", "--workspace", root, env=WIDE)


def test_a_device_id_that_is_not_an_id_is_refused_with_422(tmp_path: Path) -> None:
    ws, cred, secret = enrolled(tmp_path / "ws")
    key = DeviceKey.generate()
    app = create_app(central_path(ws.sync), ws.ops)
    with TestClient(app) as client:
        for name in ("[/bold]x", "a\ud800", "-x", "x" * 101):
            body = {"device": name, "public_key": key.public_hex, "records": []}
            answer = client.post(
                "/v1/push",
                content=json.dumps(body),
                headers={"Authorization": f"Bearer {cred}:{secret}",
                         "Content-Type": "application/json"},
            )  # fmt: skip
            assert answer.status_code == 422, (name, answer.text)
            assert "device" in answer.json()["detail"]
    with Central(central_path(ws.sync)) as store:
        assert (store.device_row(cred) or {})["device"] is None  # nothing bound


def test_another_devices_record_with_a_lone_surrogate_id_is_403_not_500(tmp_path: Path) -> None:
    ws, cred, secret = enrolled(tmp_path / "ws")
    key = DeviceKey.generate()
    app = create_app(central_path(ws.sync), ws.ops)
    records = [{"device": "bravo-dev", "id": "\ud800[/bold]"}]
    body = {"device": DEVICE, "public_key": key.public_hex, "records": records}
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.post(
            "/v1/push",
            content=json.dumps(body),
            headers={"Authorization": f"Bearer {cred}:{secret}",
                     "Content-Type": "application/json"},
        )  # fmt: skip
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"] == (
        f'device {DEVICE} may push only its own records; record "\\ud800[/bold]" names '
        'device "bravo-dev"'
    )


def test_a_bundle_of_hostile_records_is_imported_and_they_are_named(tmp_path: Path) -> None:
    ws, cred, secret = enrolled(tmp_path / "ws")
    key = DeviceKey.generate()
    good, good_line = mine(key)
    nan, nan_line = mine(key, lat=float("nan"), lon=0.0, prev_hash=good["hash"])
    surrogate, surrogate_line = mine(key, notes="\udfff", prev_hash=good["hash"])
    odd, odd_line = mine(key, venue_type="[/bold]x", prev_hash=good["hash"])
    bundle = tmp_path / "hostile.bundle"
    lines = [good_line, nan_line, surrogate_line, odd_line]
    hostile.write_bundle(bundle, DEVICE, cred, secret, key, lines)
    seal_for(ws, bundle)
    root = str(ws.root)
    done = json.loads(
        fieldkit_ok(
            "central", "import-bundle", str(bundle), "--json", "--workspace", root, env=WIDE
        ).stdout
    )
    assert (done["new"], done["rejected"]) == (1, 3)
    sealed = Path(done["answer"]).read_bytes()
    answer = json.loads(open_sealed(sealed, hostile.ANSWER_KEY, "answer", done["answer"]))
    assert answer["acknowledged"] == [good["id"]]
    assert {(r["id"], r["kind"]) for r in answer["rejected"]} == {
        (nan["id"], "content"),
        (surrogate["id"], "malformed"),
        (odd["id"], "content"),
    }
    status = fieldkit_ok("central", "status", "--workspace", root, env=WIDE).stdout
    assert "lat NaN is not a latitude (-90..90)" in status
    assert 'venue_type "[/bold]x" is not one of the operation\'s venue types' in status
    assert "39 engagement(s)" in fieldkit_ok("report", "--workspace", root, env=WIDE).stdout


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"device": "[/bold]x"}, 'the manifest\'s device "[/bold]x" is not a device id'),
        ({"device": "a\ud800"}, 'the manifest\'s device "a\\ud800" is not a device id'),
        ({"credential_id": 7}, 'the manifest\'s credential_id "7" is not a device id'),
        ({"bundle": "[red]"}, 'the manifest\'s bundle id "[red]" is not a UUID'),
    ],
)
def test_a_bundle_whose_manifest_ids_are_not_ids_is_refused_whole(
    tmp_path: Path, change: dict[str, Any], words: str
) -> None:
    ws, cred, secret = enrolled(tmp_path / "ws")
    key = DeviceKey.generate()
    bundle = tmp_path / "odd.bundle"
    hostile.write_bundle(bundle, DEVICE, cred, secret, key, [mine(key)[1]], change)
    seal_for(ws, bundle)
    done = fieldkit("central", "import-bundle", str(bundle), "--workspace", str(ws.root), env=WIDE)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == f"fieldkit: {bundle}: {words}; nothing was imported\n"
    with Central(central_path(ws.sync)) as store:
        assert store.record_count() == 42  # the map tests' records, no more
        assert (store.device_row(cred) or {})["device"] is None


FIELDS = sorted(set(hostile.record("", "", "", "")) - {"format"})
HOSTILE_TEXT = ["[/bold]x", "\ud800", "<script>alert(1)</script>", "", "a" * 5000, "NaN",
                "../../etc/passwd", "\x00", "Ș", "9" * 400, "2023-09-26T19:30:00"]  # fmt: skip
LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(st.characters(exclude_categories=[]), max_size=20),
    st.sampled_from(HOSTILE_TEXT),
)
GROUP = st.fixed_dictionaries(
    {"gender": LEAF, "age_band": LEAF, "nationality": LEAF, "count": st.integers()}
)
VALUE = st.one_of(
    LEAF,
    st.lists(LEAF, max_size=4),
    st.lists(GROUP, max_size=3),
    st.dictionaries(st.text(max_size=8), LEAF, max_size=3),
)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    ws, cred, secret = enrolled(tmp_path_factory.mktemp("fuzz") / "ws")
    key = DeviceKey.generate()
    app = create_app(central_path(ws.sync), ws.ops)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = {"Authorization": f"Bearer {cred}:{secret}", "Content-Type": "application/json"}
        # Bind the device and its key with one sound record.
        first = client.post("/v1/push", content=json.dumps(
            {"device": DEVICE, "public_key": key.public_hex, "records": [mine(key)[0]]}
        ), headers=headers)  # fmt: skip
        assert first.status_code == 200 and first.json()["new"] == 1
        yield {"ws": ws, "key": key, "client": client, "headers": headers}


def test_whatever_a_device_signs_central_answers_and_keeps_only_sound_records(
    target: dict[str, Any],
) -> None:
    ws, key, client = target["ws"], target["key"], target["client"]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(changes=st.dictionaries(st.sampled_from(FIELDS), VALUE, min_size=1, max_size=3),
           by_bundle=st.booleans())  # fmt: skip
    def send(changes: dict[str, Any], by_bundle: bool) -> None:
        try:
            data, line = mine(key, **changes)
        except (TypeError, ValueError, OverflowError):
            return  # not JSON at all (e.g. a key that is not text): no device can send it
        owned = data["device"] == DEVICE
        if by_bundle:
            with Central(central_path(ws.sync)) as store:
                try:
                    ingest(store, DEVICE, key.public_hex, [data], [line])
                except ForbiddenError:
                    assert not owned  # another device's record: the whole push is refused
            return
        body = json.dumps({"device": DEVICE, "public_key": key.public_hex, "records": [data]})
        answer = client.post("/v1/push", content=body, headers=target["headers"])
        assert answer.status_code == (200 if owned else 403), answer.text

    send()
    with Central(central_path(ws.sync)) as store:
        stored = store.records(DEVICE)
        with store.transaction() as conn:
            ctx = device_context(store, conn, DEVICE)
        for rec in stored:
            assert broken(FORM_RULES + CONTENT_RULES, rec, ctx) == [], rec
            assert all(math.isfinite(rec[k]) for k in ("lat", "lon") if rec[k] is not None)
    root = str(ws.root)
    fieldkit_ok("report", "--workspace", root, env=WIDE)
    fieldkit_ok("map", "--workspace", root, env=WIDE)
