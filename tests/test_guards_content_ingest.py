"""Central checks what a record says: each rule refuses a record that breaks only it, by name.

Every case below is a record signed with the device's own key that breaks exactly one rule;
the control (no change) is stored. A refused record is kept out of the data, listed as a
problem with its reason and its text, and not acknowledged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.content import FORM_RULES
from fieldkit.central.ingest import ingest
from fieldkit.central.plans import publish
from fieldkit.central.store import Central, central_path
from fieldkit.field.keys import DeviceKey
from tests.support import records as hostile
from tests.support.central_copy import copy_central
from tests.support.content_cases import CASE_PARAMS, EDGE_PARAMS, OPERATION
from tests.support.sync import central_workspace

DEVICE = "alpha-hostile"
KEY = DeviceKey.generate()
OP = OPERATION


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A central with the Barnet loadouts published and DEVICE bound to KEY (team alpha)."""
    tmp = tmp_path_factory.mktemp("content")
    ws = central_workspace(tmp)
    loadout = json.loads((ws.ops / OP / "loadouts" / "alpha.json").read_text())
    visit = loadout["assignments"][0]
    venue = next(v for v in loadout["venues"] if v["id"] == visit["venue"])
    with Central(central_path(ws.sync)) as store:
        cred, _ = store.enroll_device("alpha", OP, "pc-okafor", device_id="alpha-cred")
        store.bind(store.device_row(cred) or {}, DEVICE, KEY.public_hex)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "db": central_path(ws.sync),
        "ws": ws,
        "base": {"visit": visit["visit"], "venue": venue["id"], "venue_type": venue["type"]},
    }


@pytest.fixture
def central(template: dict[str, Any], tmp_path: Path) -> Iterator[Central]:
    with Central(copy_central(template["db"], tmp_path / "central.db")) as store:
        yield store


def alpha_record(template: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**hostile.record(DEVICE, OP, "alpha", "pc-okafor"), **template["base"], **changes}


FORM = {rule.__name__ for rule in FORM_RULES}


def problem_of(rule: str, reason: str) -> tuple[str, str]:
    """(kind, detail) of the problem central lists for a record `rule` refuses."""
    return ("malformed", f"not a valid record: {reason}") if rule in FORM else ("content", reason)


@pytest.mark.parametrize("change", EDGE_PARAMS)
def test_a_record_that_breaks_no_rule_is_stored(
    template: dict[str, Any], central: Central, change: dict[str, Any]
) -> None:
    data, line = hostile.seal(alpha_record(template, **change), KEY)
    result = ingest(central, DEVICE, KEY.public_hex, [data], [line])
    assert (result.new, result.rejected, central.problems()) == (1, [], [])


@pytest.mark.parametrize(("change", "rule", "reason"), CASE_PARAMS)
def test_each_rule_refuses_a_record_that_breaks_it(
    template: dict[str, Any], central: Central, change: dict[str, Any], rule: str, reason: str
) -> None:
    kind, detail = problem_of(rule, reason)
    data, line = hostile.seal(alpha_record(template, **change), KEY)
    result = ingest(central, DEVICE, KEY.public_hex, [data], [line])
    assert result.rejected == [{"id": data["id"], "kind": kind, "detail": detail}]
    assert result.acknowledged == [] and central.record_count() == 0
    (problem,) = central.problems()
    assert (problem["kind"], problem["detail"], problem["record"]) == (kind, detail, data["id"])
    (kept,) = central.query("SELECT record FROM problems")
    assert hostile.line_of(json.loads(kept[0])) == line  # kept whole, for review


def test_every_broken_rule_is_named(template: dict[str, Any], central: Central) -> None:
    data, line = hostile.seal(alpha_record(template, lat=91.0, team="bravo"), KEY)
    result = ingest(central, DEVICE, KEY.public_hex, [data], [line])
    assert [r["detail"] for r in result.rejected] == [
        'lat 91.0 is not a latitude (-90..90); team "bravo" is not this device\'s (alpha)'
    ]


def test_records_sent_as_over_http_are_checked_the_same(
    template: dict[str, Any], central: Central
) -> None:
    """Without the line (an HTTP push) central hashes the parsed record: the same verdicts."""
    good, _ = hostile.seal(alpha_record(template), KEY)
    bad, _ = hostile.seal(alpha_record(template, lat=1e308, prev_hash=good["hash"]), KEY)
    result = ingest(central, DEVICE, KEY.public_hex, [good, bad])
    assert result.acknowledged == [good["id"]]
    assert result.rejected == [
        {"id": bad["id"], "kind": "content", "detail": "lat 1e+308 is not a latitude (-90..90)"}
    ]


def test_a_refused_record_sent_again_is_one_problem_and_never_acknowledged(
    template: dict[str, Any], central: Central
) -> None:
    first, _ = hostile.seal(alpha_record(template), KEY)
    bad, _ = hostile.seal(alpha_record(template, team="bravo", prev_hash=first["hash"]), KEY)
    after, _ = hostile.seal(alpha_record(template, prev_hash=bad["hash"]), KEY)
    for _ in range(3):
        result = ingest(central, DEVICE, KEY.public_hex, [first, bad, after])
        assert bad["id"] not in result.acknowledged
        assert set(result.acknowledged) == {first["id"], after["id"]}
    kinds = sorted((p["kind"], p["record"]) for p in central.problems(open_only=True))
    # The record after it is stored; the chain has a gap where the refused one is.
    assert kinds == [("content", bad["id"]), ("gap", after["id"])]
    gap = next(p for p in central.problems() if p["kind"] == "gap")
    assert "refused" in gap["detail"]
    assert central.record_count() == 2


def test_codes_of_a_published_loadout_count_and_old_plan_versions_stay_valid(
    template: dict[str, Any], central: Central
) -> None:
    """A playbook may extend the code lists; a visit moved or dropped by re-planning stays
    valid for records logged on the plan the device had."""
    ws = template["ws"]
    path = ws.ops / OP / "loadouts" / "alpha.json"
    original = path.read_text()
    loadout = json.loads(original)
    loadout["codes"]["indicators"].append(
        {"code": "sleeps_on_site", "en": "Sleeps on site", "ro": "Doarme la locul de muncă",
         "ilo": "abusive_working_and_living_conditions"}
    )  # fmt: skip
    dropped = loadout["assignments"].pop(0)["visit"]
    try:
        path.write_text(json.dumps(loadout))
        publish(central, ws.ops)
    finally:
        path.write_text(original)
    data, line = hostile.seal(alpha_record(template, indicators=["sleeps_on_site"]), KEY)
    assert dropped == data["visit"]
    result = ingest(central, DEVICE, KEY.public_hex, [data], [line])
    assert (result.new, result.rejected) == (1, [])


def test_a_refused_record_sent_again_after_central_learns_its_code_is_stored(
    template: dict[str, Any], central: Central
) -> None:
    """Not acknowledged, so the device sends it again; once the plan central publishes holds
    its code, it is stored, and its problem and the gap it left are resolved."""
    first, _ = hostile.seal(alpha_record(template), KEY)
    new_code = alpha_record(template, indicators=["sleeps_on_site"], prev_hash=first["hash"])
    odd, _ = hostile.seal(new_code, KEY)
    after, _ = hostile.seal(alpha_record(template, prev_hash=odd["hash"]), KEY)
    ingest(central, DEVICE, KEY.public_hex, [first, odd, after])
    assert sorted(p["kind"] for p in central.problems(open_only=True)) == ["content", "gap"]
    ws = template["ws"]
    path = ws.ops / OP / "loadouts" / "alpha.json"
    original = path.read_text()
    loadout = json.loads(original)
    loadout["codes"]["indicators"].append({"code": "sleeps_on_site", "en": "x", "ro": "x"})
    try:
        path.write_text(json.dumps(loadout))
        publish(central, ws.ops)
    finally:
        path.write_text(original)
    result = ingest(central, DEVICE, KEY.public_hex, [odd, after])
    assert result.new == 1 and result.rejected == [] and result.head["count"] == 3
    assert central.problems(open_only=True) == []
    assert sorted(p["kind"] for p in central.problems()) == ["content", "gap"]  # kept, resolved


def test_a_push_is_checked_against_the_plan_written_while_central_serves(
    template: dict[str, Any], tmp_path: Path
) -> None:
    """A re-plan writes new loadouts while central runs; the first push after it (before any
    pull) is checked against them, so a new visit is not refused."""
    from fastapi.testclient import TestClient

    from fieldkit.central.server import create_app

    ws = template["ws"]
    root = tmp_path / "central"
    shutil.copytree(ws.root, root)
    db = central_path(root / "sync")
    shutil.copyfile(template["db"], db)
    with Central(db) as store:
        cred, secret = store.enroll_device("alpha", OP, "pc-okafor", device_id="alpha-2")
    path = root / "ops" / OP / "loadouts" / "alpha.json"
    with TestClient(create_app(db, root / "ops")) as client:
        loadout = json.loads(path.read_text())
        loadout["assignments"].append({**loadout["assignments"][0], "visit": "extra-visit"})
        path.write_text(json.dumps(loadout))
        key = DeviceKey.generate()
        data = hostile.seal(
            hostile.record("alpha-two", OP, "alpha", "pc-okafor", visit="extra-visit"), key
        )[0]
        answer = client.post(
            "/v1/push",
            json={"device": "alpha-two", "public_key": key.public_hex, "records": [data]},
            headers={"Authorization": f"Bearer {cred}:{secret}"},
        )
    assert answer.status_code == 200
    assert (answer.json()["acknowledged"], answer.json()["rejected"]) == ([data["id"]], [])


def test_without_a_published_plan_codes_are_the_kits_and_the_officer_the_credentials(
    tmp_path: Path,
) -> None:
    with Central(tmp_path / "central.db", create=True) as store:
        cred, _ = store.enroll_device("alpha", "newop", "pc-okafor", device_id="c1")
        store.bind(store.device_row(cred) or {}, DEVICE, KEY.public_hex)
        ok, _ = hostile.seal(
            hostile.record(DEVICE, "newop", "alpha", "pc-okafor", visit="any", venue="any"), KEY
        )
        other, _ = hostile.seal(hostile.record(DEVICE, "newop", "alpha", "pc-hughes"), KEY)
        odd, _ = hostile.seal(
            hostile.record(DEVICE, "newop", "alpha", "pc-okafor", outcomes=["vanished"]), KEY
        )
        result = ingest(store, DEVICE, KEY.public_hex, [ok, other, odd])
    assert result.acknowledged == [ok["id"]]
    assert [r["detail"] for r in result.rejected] == [
        'officer "pc-hughes" is not this device\'s officer (pc-okafor)',
        'outcome "vanished" is not one of the operation\'s outcomes',
    ]


def test_any_member_of_the_team_may_log_on_its_device(
    template: dict[str, Any], central: Central
) -> None:
    """`log add --officer` takes any member of the device's team (a shared device)."""
    data, line = hostile.seal(alpha_record(template, officer="anitp-ionescu"), KEY)
    result = ingest(central, DEVICE, KEY.public_hex, [data], [line])
    assert (result.new, result.rejected) == (1, [])


def sealed_format2(data: dict[str, Any]) -> dict[str, Any]:
    """A format 2 record with no persons and no texts, hashed and signed over its body."""
    body = {**data, "format": "fieldkit-engagement/2", "persons": []}
    body.update(notes=None, referral_ref=None)
    digest = hashlib.sha256(hostile.line_of(body)).hexdigest()
    signature = KEY.sign(bytes.fromhex(digest))
    return {**body, "texts": {}, "hash": digest, "signature": signature}


def test_a_number_too_large_for_a_float_is_refused_by_name_in_either_format(
    template: dict[str, Any], central: Central
) -> None:
    """JSON numbers have no size limit: a latitude of 10**400 is refused, naming the field,
    not a crash (format 1: the position rule; format 2: the record does not read)."""
    old, _ = hostile.seal(alpha_record(template, lat=10**400), KEY)
    new = sealed_format2(alpha_record(template, lat=10**400))
    result = ingest(central, DEVICE, KEY.public_hex, [old, new])
    assert result.acknowledged == [] and central.record_count() == 0
    malformed, content = result.rejected  # the form is checked before the content
    assert (malformed["id"], content["id"]) == (new["id"], old["id"])
    assert malformed["detail"] == (
        "not a valid record: malformed engagement record: lat is too large a number"
    )
    assert content["detail"].startswith("lat 1000000")


def test_a_bundle_line_naming_its_texts_twice_is_refused_as_over_http(
    template: dict[str, Any], central: Central
) -> None:
    """The signed body holds a second, unchecked `texts`; the line's last one (what the record
    parses to) is empty. Cutting the line would leave the signed body whole and hashing right:
    the line is not canonical, so central hashes the parsed record, as over HTTP, and the
    hash does not match."""
    record = sealed_format2(alpha_record(template))
    body = {k: v for k, v in record.items() if k not in ("hash", "signature", "texts")}
    signed = hostile.line_of(body)[:-1] + b',"texts":{"x":"unchecked"}}'
    digest = hashlib.sha256(signed).hexdigest()
    seal = f',"hash":"{digest}","signature":"{KEY.sign(bytes.fromhex(digest))}","texts":{{}}}}'
    line = signed[:-1] + seal.encode()
    data = json.loads(line)
    assert data["texts"] == {} and data["hash"] == digest  # the last `texts` is the one read
    for lines in ([line], None):
        result = ingest(central, DEVICE, KEY.public_hex, [dict(data)], lines)
        assert [r["kind"] for r in result.rejected] == ["bad hash"]
    assert central.record_count() == 0
