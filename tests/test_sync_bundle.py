"""Bundles carried by hand: exported, imported once, refused whole when damaged or forged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from fieldkit.field.keys import DeviceKey
from fieldkit.model import canonical_json
from fieldkit.wire.protocol import checksum
from fieldkit.workspace import Workspace
from tests.support.bundles import members, open_answer, seal_answer, seal_for, write_zip
from tests.support.cli import invoke
from tests.support.sync import central_count, central_workspace, counts, fill, new_device


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Workspace, Path, str]:
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    device = new_device(ws, dev)
    fill(dev, 40)
    return ws, dev, device


def export(dev: Path, target: Path) -> dict[str, Any]:
    done = invoke("sync", "--export-bundle", str(target), "--json", "--workspace", str(dev))
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def import_central(ws: Workspace, bundle: Path) -> tuple[int, dict[str, Any] | str]:
    done = invoke("central", "import-bundle", str(bundle), "--json", "--workspace", str(ws.root))
    return done.returncode, (json.loads(done.stdout) if done.returncode == 0 else done.stderr)


def test_round_trip_and_the_same_bundle_twice(
    pair: tuple[Workspace, Path, str], tmp_path: Path
) -> None:
    ws, dev, device = pair
    bundle = tmp_path / "stick" / "dev.bundle.json"
    assert export(dev, bundle)["records"] == 40
    assert counts(dev) == {"pending": 0, "sent": 40, "acknowledged": 0}
    code, first = import_central(ws, bundle)
    assert code == 0 and isinstance(first, dict)
    assert (first["new"], first["duplicates"], first["seen_before"]) == (40, 0, False)
    code, second = import_central(ws, bundle)
    assert code == 0 and isinstance(second, dict)
    assert (second["new"], second["duplicates"], second["seen_before"]) == (0, 40, True)
    assert central_count(ws, device) == 40
    answer = Path(first["answer"])
    for expected in (40, 0):  # the same answer twice: the second changes nothing
        done = invoke("sync", "--import-bundle", str(answer), "--json", "--workspace", str(dev))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["acknowledged"] == expected
    assert counts(dev) == {"pending": 0, "sent": 0, "acknowledged": 40}
    fill(dev, 5)  # the next bundle carries only what is new
    assert export(dev, tmp_path / "next.json")["records"] == 5


def _refused(ws: Workspace, bundle: Path, words: str) -> None:
    code, message = import_central(ws, bundle)
    assert code == 2, message
    assert words in str(message) and "Traceback" not in str(message)
    assert central_count(ws) == 0


def test_truncated_bundle_is_refused_whole(
    pair: tuple[Workspace, Path, str], tmp_path: Path
) -> None:
    ws, dev, _ = pair
    bundle = tmp_path / "b.zip"
    export(dev, bundle)
    data = bundle.read_bytes()
    for cut in (len(data) // 2, len(data) - 1, 10):
        bundle.write_bytes(data[:cut])
        _refused(ws, bundle, "truncated")


def rewrite(ws: Workspace, bundle: Path, **changed: bytes) -> None:
    """Replace members of a bundle, keeping the others as they were, sealed to central again:
    what someone holding central's public key (every device has it) could make."""
    kept = members(bundle, ws)
    kept.update({name.replace("_", "."): data for name, data in changed.items()})
    write_zip(bundle, list(kept.items()))
    seal_for(ws, bundle)


def read(ws: Workspace, bundle: Path, name: str) -> bytes:
    return members(bundle, ws)[name]


def test_corrupted_bundle_is_refused_whole(
    pair: tuple[Workspace, Path, str], tmp_path: Path
) -> None:
    ws, dev, _ = pair
    bundle = tmp_path / "b.zip"
    export(dev, bundle)
    lines = read(ws, bundle, "records.jsonl").splitlines(keepends=True)
    changed = json.loads(lines[7])
    changed["people"][0]["count"] += 1
    rewrite(
        ws,
        bundle,
        records_jsonl=b"".join(lines[:7] + [canonical_json(changed) + b"\n"] + lines[8:]),
    )
    _refused(ws, bundle, "corrupted")
    rewrite(ws, bundle, records_jsonl=b"".join(lines[:-1]))
    _refused(ws, bundle, "corrupted")
    data = bytearray(tmp_path.joinpath("b.zip").read_bytes())
    export_again = tmp_path / "c.zip"
    data[len(data) // 3] ^= 0xFF  # a flipped byte on the stick
    export_again.write_bytes(bytes(data))
    _refused(ws, export_again, "corrupted")


def test_forged_bundle_is_refused_whole(pair: tuple[Workspace, Path, str], tmp_path: Path) -> None:
    ws, dev, _ = pair
    bundle = tmp_path / "b.zip"
    export(dev, bundle)
    # Register the device's real key first, so central knows whom to believe.
    code, _ = import_central(ws, bundle)
    assert code == 0
    before = central_count(ws)
    fill(dev, 3)
    export(dev, bundle)
    lines = read(ws, bundle, "records.jsonl").splitlines(keepends=True)
    last = json.loads(lines[-1])
    last["notes"] = "changed on the stick"
    records = b"".join(lines[:-1]) + canonical_json(last) + b"\n"
    manifest = json.loads(read(ws, bundle, "manifest.json"))
    manifest["checksums"]["records.jsonl"] = hashlib.sha256(records).hexdigest()
    rewrite(ws, bundle, records_jsonl=records, manifest_json=canonical_json(manifest))
    code, message = import_central(ws, bundle)  # checksums fixed up, signature not
    assert code == 2 and "forged" in str(message)
    thief = DeviceKey.generate()
    manifest["public_key"] = thief.public_hex
    rewrite(
        ws,
        bundle,
        manifest_json=canonical_json(manifest),
        manifest_sig=thief.sign(canonical_json(manifest)).encode(),
    )
    code, message = import_central(ws, bundle)  # re-signed with another key
    assert code == 2 and "forged" in str(message)
    assert central_count(ws) == before


def test_corrupted_answer_and_answer_for_another_device(
    pair: tuple[Workspace, Path, str], tmp_path: Path
) -> None:
    ws, dev, _ = pair
    bundle = tmp_path / "b.json"
    export(dev, bundle)
    code, out = import_central(ws, bundle)
    assert code == 0 and isinstance(out, dict)
    answer = open_answer(dev, Path(out["answer"]))
    answer["acknowledged"].append("someone-else")
    bad = seal_answer(dev, answer, tmp_path / "bad.answer.json")
    done = invoke("sync", "--import-bundle", str(bad), "--workspace", str(dev))
    assert done.returncode == 2 and "corrupted" in done.stderr
    answer["checksum"] = checksum(
        {k: v for k, v in answer.items() if k not in ("checksum", "signature")}
    )
    seal_answer(dev, answer, bad)  # checksum fixed up: the signature still tells
    done = invoke("sync", "--import-bundle", str(bad), "--workspace", str(dev))
    assert done.returncode == 2 and "not signed by this device's central" in done.stderr
    other = tmp_path / "other"
    new_device(ws, other)
    done = invoke("sync", "--import-bundle", out["answer"], "--workspace", str(other))
    assert done.returncode == 2 and "not this device" in done.stderr
    assert counts(dev)["acknowledged"] == 0 and counts(other)["acknowledged"] == 0


def test_bundle_and_http_store_the_same_bytes(tmp_path: Path) -> None:
    """Bundles cut each record's body from its line; HTTP recomputes it: the same bytes."""
    from fieldkit.central.bundle import import_bundle
    from fieldkit.central.ingest import ingest
    from fieldkit.central.store import Central, central_path
    from fieldkit.field.device import Device

    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    fill(dev, 25)
    with Device.open(dev) as device:
        records = [r.to_dict() for r, _ in device.store.records()]
        device_id, key, officer = device.id, device.public_key, device.officer
    export(dev, tmp_path / "b.zip")
    other = central_workspace(tmp_path / "other")
    with Central(central_path(ws.sync)) as by_bundle, Central(central_path(other.sync)) as by_http:
        import_bundle(by_bundle, tmp_path / "b.zip")
        cred, _ = by_http.enroll_device("alpha", records[0]["operation"], officer)
        by_http.bind(by_http.device_row(cred) or {}, device_id, key)  # as its first push would
        ingest(by_http, device_id, key, records)
        sql = "SELECT id, hash, signature, body FROM records ORDER BY id"
        assert by_bundle.query(sql) == by_http.query(sql) and len(by_http.query(sql)) == 25
        assert by_bundle.records() == records
