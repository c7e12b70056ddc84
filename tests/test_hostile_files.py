"""Bad files cost seconds and megabytes: zip bombs, deep nesting, huge YAML, huge values.

Nothing here asserts on time: memory is measured with getrusage in a subprocess, and a
generous timeout only guards against a hang.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fieldkit.field.keys import DeviceKey
from fieldkit.model import canonical_json
from fieldkit.sync.central import central_path
from fieldkit.sync.server import create_app
from fieldkit.workspace import Workspace
from tests.conftest import ROOT
from tests.test_sync_support import central_count, central_workspace, fill, new_device
from tests.test_sync_support import run_here as run

DEEP = b"[" * 100_000 + b"]" * 100_000
MiB = 1024 * 1024
BOMB_SIZE = 3 * 1024 * MiB


def fieldkit(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m fieldkit ARGS` in a subprocess; its address space capped at 4 GiB, so a
    bomb that is not refused ends in a MemoryError rather than eating the machine."""
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_cap_memory,
    )


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 * MiB, 4 * 1024 * MiB))


# -- a device's bundle, taken apart and put back together ----------------------------------


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, Path]:
    """Central, a device with three records, and its genuine bundle."""
    tmp = tmp_path_factory.mktemp("hostile")
    ws = central_workspace(tmp)
    dev = tmp / "dev"
    new_device(ws, dev)
    fill(dev, 3)
    bundle = tmp / "genuine.zip"
    done = run("sync", "--export-bundle", str(bundle), "--workspace", str(dev))
    assert done.returncode == 0, done.stderr
    return ws, dev, bundle


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_zip(
    target: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED
) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the point
        with zipfile.ZipFile(target, "w", method) as z:
            for name, data in entries:
                z.writestr(name, data)
    return target


def resigned(dev: Path, parts: dict[str, bytes], **changes: Any) -> dict[str, bytes]:
    """Members with records changed and the manifest fixed up and signed with the device's
    own key: what a device with a valid key (stolen, or its owner) could send."""
    parts = dict(parts)
    manifest = json.loads(parts["manifest.json"])
    if "records" in changes:
        parts["records.jsonl"] = changes.pop("records")
        manifest["checksums"]["records.jsonl"] = hashlib.sha256(parts["records.jsonl"]).hexdigest()
    manifest.update(changes)
    parts["manifest.json"] = canonical_json(manifest)
    key = DeviceKey.load(dev / "device" / "device.key")
    parts["manifest.sig"] = key.sign(parts["manifest.json"]).encode()
    return parts


def refused(ws: Workspace, bundle: Path, *words: str) -> str:
    """Import through the CLI: exit 2, one line, every word in it, nothing stored."""
    done = run("central", "import-bundle", str(bundle), "--workspace", str(ws.root))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert len(lines[0]) < 600, lines[0][:600]
    assert central_count(ws) == 0
    return lines[0]


# -- the zip bomb ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(pair: tuple[Workspace, Path, Path]) -> Path:
    """A genuine bundle whose records.jsonl is 3 GiB of zeros: about 3 MB on disk. Written a
    megabyte at a time through ZipFile.open('w'), so the test itself stays small."""
    _, _, genuine = pair
    parts = members(genuine)
    target = genuine.with_name("bomb.zip")
    zero = bytes(MiB)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in ("manifest.json", "manifest.sig"):
            z.writestr(name, parts[name], zipfile.ZIP_STORED)
        with z.open("records.jsonl", "w", force_zip64=True) as out:
            for _ in range(BOMB_SIZE // MiB):
                out.write(zero)
    assert target.stat().st_size < 5 * MiB
    return target


def test_a_zip_bomb_is_refused_by_the_command_in_one_clear_line(
    pair: tuple[Workspace, Path, Path], bomb: Path
) -> None:
    ws, _, _ = pair
    done = fieldkit("central", "import-bundle", bomb, "--workspace", ws.root)
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
    import fieldkit.sync.bundle, fieldkit.sync.central, fieldkit.sync.plans  # loaded first
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
        preexec_fn=_cap_memory,
    )
    code, grown_kib = done.stdout.split()
    assert code == "2", done.stderr[-2000:]
    assert int(grown_kib) < 100 * 1024, f"{int(grown_kib) // 1024} MiB"


# -- the zip's directory, checked before anything is read ---------------------------------


def test_members_other_than_a_bundles_are_refused(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    parts = [(n, d) for n, d in members(genuine).items() if n != "credential"]
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
    parts = members(genuine)
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
    parts = resigned(dev, members(genuine), records=bytes(2 * MiB))
    bundle = write_zip(tmp_path / "b.zip", list(parts.items()), zipfile.ZIP_DEFLATED)
    refused(ws, bundle, "records.jsonl expands", "a zip bomb")


def test_a_zip_listing_thousands_of_files_is_refused_before_they_are_listed(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    entries = list(members(genuine).items()) + [(f"{n}", b"") for n in range(5000)]
    refused(ws, write_zip(tmp_path / "b.zip", entries), "it lists 5,004 files")


def test_records_are_read_only_once_the_signature_holds(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    """A forged manifest is refused as forged, though its records would not even parse."""
    ws, dev, genuine = pair
    parts = resigned(dev, members(genuine), records=DEEP + b"\n")
    parts["manifest.json"] = parts["manifest.json"].replace(b'"count":3', b'"count":1')
    refused(ws, write_zip(tmp_path / "b.zip", list(parts.items())), "is forged")


# -- deep nesting ---------------------------------------------------------------------------


def test_deeply_nested_records_are_a_clear_error(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, dev, genuine = pair
    lines = members(genuine)["records.jsonl"].splitlines(keepends=True)
    for deep in (DEEP, b"[" * 70 + b"]" * 70, b'{"id":' * 1000 + b"1" + b"}" * 1000):
        parts = resigned(dev, members(genuine), records=lines[0] + deep + b"\n" + lines[2])
        bundle = write_zip(tmp_path / "b.zip", list(parts.items()))
        refused(ws, bundle, "records.jsonl line 2: nested more than 64 levels deep")


def test_a_deeply_nested_manifest_is_a_clear_error(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, _, genuine = pair
    parts = members(genuine)
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
    done = run("sync", "--import-bundle", str(answer), "--workspace", str(dev))
    assert done.returncode == 2
    assert "41,943,040 bytes, over the 33,554,432 allowed" in done.stderr
    answer.write_bytes(DEEP)
    done = run("sync", "--import-bundle", str(answer), "--workspace", str(dev))
    assert done.returncode == 2, done.stderr
    assert "nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_loadout_is_a_clear_error(tmp_path: Path) -> None:
    loadout = tmp_path / "alpha.json"
    loadout.write_bytes(b'{"format": "fieldkit-loadout/1", "team": ' + DEEP + b"}")
    done = run("device", "enroll", str(loadout), "--workspace", str(tmp_path / "dev"))
    assert done.returncode == 2, done.stderr
    assert "nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


# -- over HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(pair: tuple[Workspace, Path, Path]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    ws, dev, _ = pair
    loadout = json.loads((dev / "device" / "loadout.json").read_text())
    block = loadout["central"]
    auth = {
        "Authorization": f"Bearer {block['device_id']}:{block['credential']}",
        "Content-Type": "application/json",
    }
    with TestClient(create_app(central_path(ws.sync), ws.ops), raise_server_exceptions=False) as c:
        yield c, auth


def _push(device: str, key: str, records: bytes) -> bytes:
    return b'{"device": "%s", "public_key": "%s", "records": [%s]}' % (
        device.encode(),
        key.encode(),
        records,
    )


def test_deeply_nested_json_over_http_is_a_4xx_with_a_message(
    pair: tuple[Workspace, Path, Path], client: tuple[TestClient, dict[str, str]]
) -> None:
    _, dev, _ = pair
    c, auth = client
    info = json.loads((dev / "device" / "device.json").read_text())
    for body in (
        _push(info["device_id"], info["public_key"], DEEP),
        _push(info["device_id"], info["public_key"], b"[" * 900 + b"]" * 900),
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


# -- a playbook of ten million numbers ------------------------------------------------------


def test_a_10_mb_flow_list_playbook_is_refused_early_with_its_place(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    count = (10 * MiB - 16) // 3
    big.write_text("[" + ", ".join(["1"] * count) + "]\n")
    assert 9 * MiB < big.stat().st_size < 10 * MiB
    done = fieldkit("playbook", "check", big, timeout=60)  # a hang guard, not a time limit
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert first == (
        f"{big}:1:299999: more than 100,000 keys and values: far too many for a playbook"
    )


def test_the_careful_parser_counts_too_when_libyaml_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fieldkit.playbook import PlaybookError, load_text, yamlread

    monkeypatch.delattr(yamlread.yaml, "CSafeLoader", raising=False)
    monkeypatch.setattr(yamlread, "MAX_NODES", 50)
    with pytest.raises(PlaybookError) as caught:
        load_text("a: [" + ", ".join(["1"] * 60) + "]\n", "x.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:1:146: more than 50 keys and values: far too many for a playbook"
    ]


def test_a_huge_value_in_a_playbook_is_refused_before_the_careful_parse(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\nnotes: " + "x" * 5_000_000 + "\n")
    done = fieldkit("playbook", "check", big, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"{big}:2:8: a value of 5,000,000 characters; a playbook's values are at most 100,000"
    )


# -- messages quote at most about 200 characters of what they were given -------------------

HOSTILE = "Z" * MiB


def quotes_little(text: str) -> bool:
    """True when `text` shows some of the hostile value, but never more than 200 of it."""
    return "Z" * 20 in text and "Z" * 201 not in text


def test_quote_cuts_and_escapes() -> None:
    from fieldkit.errors import clip, quote

    assert quote("pc-a") == '"pc-a"'
    assert quote("a\nb\x1b[2J\ud800") == '"a\\nb\\x1b[2J\\ud800"'
    assert quote(HOSTILE) == '"' + "Z" * 200 + '..." (1,048,576 characters)'
    assert quote("Z" * 200) == '"' + "Z" * 200 + '"'
    assert clip("x" * 201, 200) == "x" * 200 + "... (201 characters)"


PLAYBOOK_PLACES = {
    "venue type": ("type: church", "type: {v}"),
    "team member": ("members: [pc-a, pc-b]", "members: [pc-a, {v}]"),
    "duration": ("duration: 60", "duration: {V}"),
    "date": ("start: 2024-10-21", "start: '{V}'"),
    "version": ("version: 1", "version: '{V}'"),
    "id": ("id: church-a", "id: {V}"),
    "time zone": ("timezone: Europe/London", "timezone: {V}"),
    "day": ("days: [sun]", "days: [{V}]"),
    "time of day": ('from: "12:00"', 'from: "{V}"'),
    "skill": ("skills: [romanian_speaker]}", "skills: [{v}]}"),
    "partner": ("partners: [met_police, anitp]", "partners: [met_police, {v}]"),
    "tag": ("version: 1", "version: !{H} 1"),
    "alias": ("duration: 60", "duration: *{H}"),
}


@pytest.mark.parametrize("place", sorted(PLAYBOOK_PLACES))
def test_a_playbook_problem_quotes_little_of_a_huge_value(tmp_path: Path, place: str) -> None:
    """90,000 characters (values over 100,000 are refused unquoted) and 1 MB tags and aliases."""
    valid = (ROOT / "tests" / "playbooks_broken" / "_valid.yaml").read_text()
    old, new = PLAYBOOK_PLACES[place]
    value = "Z" * 90_000
    text = valid.replace(
        old, new.replace("{v}", value.lower()).replace("{V}", value).replace("{H}", HOSTILE)
    )
    assert text != valid
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    done = run("playbook", "check", str(path))
    assert done.returncode == 2
    problems = done.stderr.strip().splitlines()[:-1]
    shouting = [p.upper() for p in problems]
    assert any(quotes_little(p) for p in shouting), problems[0][:300]
    assert all("Z" * 201 not in p and len(p) < 600 for p in shouting), problems[0][:300]


def test_a_bundle_problem_quotes_little_of_a_huge_value(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, dev, genuine = pair
    parts = resigned(dev, members(genuine), device="Z" * 30_000, credential_id="Z" * 30_000)
    line = refused(ws, write_zip(tmp_path / "b.zip", list(parts.items())), "unknown or revoked")
    assert quotes_little(line)


def test_an_answer_problem_quotes_little_of_a_huge_value(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    from fieldkit.sync.bundle import checksum

    _, dev, _ = pair
    answer: dict[str, Any] = {"format": "fieldkit-answer/1", "device": HOSTILE}
    answer["checksum"] = checksum(answer)
    path = tmp_path / "a.answer.json"
    path.write_text(json.dumps(answer))
    done = run("sync", "--import-bundle", str(path), "--workspace", str(dev))
    assert done.returncode == 2
    assert "answers device" in done.stderr and quotes_little(done.stderr)


def test_a_record_problem_quotes_little_of_a_huge_value(
    pair: tuple[Workspace, Path, Path], client: tuple[TestClient, dict[str, str]]
) -> None:
    _, dev, _ = pair
    c, auth = client
    info = json.loads((dev / "device" / "device.json").read_text())
    body = {
        "device": info["device_id"],
        "public_key": info["public_key"],
        "records": [{"device": info["device_id"], "id": "r1", HOSTILE: 1}],
    }
    answer = c.post("/v1/push", json=body, headers=auth)
    assert answer.status_code == 200
    assert quotes_little(answer.json()["rejected"][0]["detail"])
    body["records"] = [{"device": HOSTILE, "id": HOSTILE}]
    answer = c.post("/v1/push", json=body, headers=auth)
    assert answer.status_code == 403
    assert quotes_little(answer.json()["detail"])


def test_a_command_quotes_little_of_a_huge_argument(pair: tuple[Workspace, Path, Path]) -> None:
    _, dev, _ = pair
    huge = "Z" * 100_000  # one argument may be at most 128 KiB
    for args in (
        ["log", "amend", huge, "--outcome", "leaflet_given"],
        ["log", "add", "--time", huge],
    ):
        done = fieldkit(*args, "--workspace", dev)
        assert done.returncode == 2, done.stderr[:300]
        assert quotes_little(done.stderr), done.stderr[:300]
