"""Bad bundle files cost seconds and megabytes: zip bombs, odd members, deep nesting.

Nothing here asserts on time: memory is measured with getrusage in a subprocess, and a
generous timeout only guards against a hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fieldkit.workspace import Workspace
from tests.support.bundles import (
    DEEP,
    MEMORY_CAP,
    MiB,
    members,
    push_body,
    refused,
    resigned,
    seal_answer,
    seal_for,
    write_zip,
)
from tests.support.cli import fieldkit, invoke, memory_cap
from tests.support.paths import ROOT
from tests.support.sync import central_count

BOMB_SIZE = 3 * 1024 * MiB


# -- the zip bomb ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(pair: tuple[Workspace, Path, Path]) -> Path:
    """A genuine bundle whose records.jsonl is 3 GiB of zeros: about 3 MB on disk. Written a
    megabyte at a time through ZipFile.open('w'), so the test itself stays small."""
    ws, _, genuine = pair
    parts = members(genuine, ws)
    target = genuine.with_name("bomb.zip")
    zero = bytes(MiB)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in ("manifest.json", "manifest.sig"):
            z.writestr(name, parts[name], zipfile.ZIP_STORED)
        with z.open("records.jsonl", "w", force_zip64=True) as out:
            for _ in range(BOMB_SIZE // MiB):
                out.write(zero)
    assert target.stat().st_size < 5 * MiB
    return seal_for(ws, target)


def test_a_zip_bomb_is_refused_by_the_command_in_one_clear_line(
    pair: tuple[Workspace, Path, Path], bomb: Path
) -> None:
    ws, _, _ = pair
    done = fieldkit("central", "import-bundle", bomb, "--workspace", ws.root, max_memory=MEMORY_CAP)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("fieldkit: ")
    assert "records.jsonl is 3,221,225,472 bytes uncompressed" in lines[0]
    assert "nothing was imported" in lines[0]
    assert central_count(ws) == 0
    assert not bomb.with_name("bomb.answer.json").exists()


MEASURE = textwrap.dedent(
    """
    import resource, sys
    from fieldkit.cli import main
    import fieldkit.central.bundle, fieldkit.central.store, fieldkit.central.plans  # loaded first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        main(["central", "import-bundle", sys.argv[1], "--workspace", sys.argv[2]])
    except SystemExit as exc:
        code = exc.code
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(code, after - before)
    """
)


def test_a_zip_bomb_costs_megabytes_not_gigabytes(
    pair: tuple[Workspace, Path, Path], bomb: Path
) -> None:
    """Peak memory (maxrss) while refusing it, over what the loaded command already held."""
    ws, _, _ = pair
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(bomb), str(ws.root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=memory_cap(MEMORY_CAP),
    )
    code, grown_kib = done.stdout.split()
    assert code == "2", done.stderr[-2000:]
    assert int(grown_kib) < 100 * 1024, f"{int(grown_kib) // 1024} MiB"


# -- the zip's directory, checked before anything is read ---------------------------------


def test_members_other_than_a_bundles_are_refused(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    parts = [(n, d) for n, d in members(genuine, ws).items() if n != "credential"]
    for extra, words in [
        ("notes.txt", ('holds "notes.txt"', "not a device bundle")),
        ("../manifest.json", ('holds "../manifest.json"',)),
        ("records/records.jsonl", ('holds "records/records.jsonl"',)),
    ]:
        refused(ws, write_zip(tmp_path / "b.zip", [*parts, (extra, b"x")]), *words)
    refused(
        ws,
        write_zip(tmp_path / "b.zip", [*parts, ("records.jsonl", b"")]),
        "holds records.jsonl 2 times",
    )


def test_a_member_over_its_limit_is_refused_unread(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    parts = members(genuine, ws)
    parts["manifest.json"] = b" " * (64 * 1024 + 1)
    refused(
        ws,
        write_zip(tmp_path / "b.zip", list(parts.items())),
        "manifest.json is 65,537 bytes uncompressed, over the 65,536",
    )


def test_a_member_that_expands_like_a_bomb_is_refused_though_small(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    """2 MiB of zeros: under every size limit, but it deflates a thousand times."""
    ws, dev, genuine = pair
    parts = resigned(dev, members(genuine, ws), records=bytes(2 * MiB))
    bundle = write_zip(tmp_path / "b.zip", list(parts.items()), zipfile.ZIP_DEFLATED)
    refused(ws, bundle, "records.jsonl expands", "a zip bomb")


def test_a_zip_listing_thousands_of_files_is_refused_before_they_are_listed(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    entries = list(members(genuine, ws).items()) + [(f"{n}", b"") for n in range(5000)]
    refused(ws, write_zip(tmp_path / "b.zip", entries), "it lists 5,004 files")


def test_records_are_read_only_once_the_signature_holds(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    """A forged manifest is refused as forged, though its records would not even parse."""
    ws, dev, genuine = pair
    parts = resigned(dev, members(genuine, ws), records=DEEP + b"\n")
    parts["manifest.json"] = parts["manifest.json"].replace(b'"count":3', b'"count":1')
    refused(ws, write_zip(tmp_path / "b.zip", list(parts.items())), "is forged")


# -- deep nesting ---------------------------------------------------------------------------


def test_deeply_nested_records_are_a_clear_error(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, dev, genuine = pair
    lines = members(genuine, ws)["records.jsonl"].splitlines(keepends=True)
    for deep in (DEEP, b"[" * 70 + b"]" * 70, b'{"id":' * 1000 + b"1" + b"}" * 1000):
        parts = resigned(dev, members(genuine, ws), records=lines[0] + deep + b"\n" + lines[2])
        bundle = write_zip(tmp_path / "b.zip", list(parts.items()))
        refused(ws, bundle, "records.jsonl line 2: nested more than 64 levels deep")


def test_a_deeply_nested_manifest_is_a_clear_error(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    parts = members(genuine, ws)
    parts["manifest.json"] = b"[" * 60_000
    bundle = write_zip(tmp_path / "b.zip", list(parts.items()))
    refused(ws, bundle, "unreadable manifest", "nested more than 64 levels deep")


@pytest.fixture
def answer(pair: tuple[Workspace, Path, Path], tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "dev.answer.json"


def test_an_answer_file_is_size_checked_before_it_is_read(
    pair: tuple[Workspace, Path, Path], answer: Path
) -> None:
    _, dev, _ = pair
    with answer.open("wb") as f:
        f.truncate(40 * MiB)  # sparse: no disk, and no memory unless someone reads it
    done = invoke("sync", "--import-bundle", str(answer), "--workspace", str(dev))
    assert done.returncode == 2
    assert "41,943,040 bytes, over the 33,554,432 allowed" in done.stderr
    seal_answer(dev, DEEP, answer)
    done = invoke("sync", "--import-bundle", str(answer), "--workspace", str(dev))
    assert done.returncode == 2, done.stderr
    assert "nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_loadout_is_a_clear_error(tmp_path: Path) -> None:
    loadout = tmp_path / "alpha.json"
    loadout.write_bytes(b'{"format": "fieldkit-loadout/1", "team": ' + DEEP + b"}")
    done = invoke("device", "enroll", str(loadout), "--workspace", str(tmp_path / "dev"))
    assert done.returncode == 2, done.stderr
    assert "nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


# -- over HTTP ------------------------------------------------------------------------------


def test_deeply_nested_json_over_http_is_a_4xx_with_a_message(
    pair: tuple[Workspace, Path, Path], client: tuple[TestClient, dict[str, str]]
) -> None:
    _, dev, _ = pair
    c, auth = client
    info = json.loads((dev / "device" / "device.json").read_text())
    for body in (
        push_body(info["device_id"], info["public_key"], DEEP),
        push_body(info["device_id"], info["public_key"], b"[" * 900 + b"]" * 900),
    ):
        answer = c.post("/v1/push", content=body, headers=auth)
        assert answer.status_code == 422, answer.text[:300]
        assert "nested more than 64 levels deep" in answer.json()["detail"]
    answer = c.post("/v1/pull", content=b'{"cursor": 0, "have": ' + DEEP + b"}", headers=auth)
    assert answer.status_code == 422 and "nested" in answer.json()["detail"]


@pytest.mark.parametrize("value", [[], ["x"], {"a": 1}, 5, True])
def test_a_record_whose_id_is_not_text_is_refused_not_a_server_error(
    pair: tuple[Workspace, Path, Path], client: tuple[TestClient, dict[str, str]], value: Any
) -> None:
    _, dev, _ = pair
    c, auth = client
    info = json.loads((dev / "device" / "device.json").read_text())
    record = {"device": info["device_id"], "id": value}
    body = {"device": info["device_id"], "public_key": info["public_key"], "records": [record]}
    answer = c.post("/v1/push", json=body, headers=auth)
    assert answer.status_code == 200, answer.text[:300]
    assert [(r["id"], r["kind"]) for r in answer.json()["rejected"]] == [(None, "malformed")]
