"""A message quotes at most about 200 characters of what it was given: bundles, answers,
records over HTTP, command arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fieldkit.workspace import Workspace
from tests.support.bundles import (
    HOSTILE,
    MEMORY_CAP,
    members,
    quotes_little,
    refused,
    resigned,
    seal_answer,
    write_zip,
)
from tests.support.cli import fieldkit, invoke


def test_quote_cuts_and_escapes() -> None:
    from fieldkit.errors import clip, quote

    assert quote("pc-a") == '"pc-a"'
    assert quote("a\nb\x1b[2J\ud800") == '"a\\nb\\x1b[2J\\ud800"'
    assert quote(HOSTILE) == '"' + "Z" * 200 + '..." (1,048,576 characters)'
    assert quote("Z" * 200) == '"' + "Z" * 200 + '"'
    assert clip("x" * 201, 200) == "x" * 200 + "... (201 characters)"


def test_a_bundle_problem_quotes_little_of_a_huge_value(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, dev, genuine = pair
    parts = resigned(dev, members(genuine, ws), device="Z" * 30_000, credential_id="Z" * 30_000)
    line = refused(ws, write_zip(tmp_path / "b.zip", list(parts.items())), "is not a device id")
    assert quotes_little(line)


def test_an_answer_problem_quotes_little_of_a_huge_value(
    pair: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    from fieldkit.wire.protocol import checksum

    _, dev, _ = pair
    answer: dict[str, Any] = {"format": "fieldkit-answer/1", "device": HOSTILE}
    answer["checksum"] = checksum(answer)
    path = seal_answer(dev, answer, tmp_path / "a.answer.json")
    done = invoke("sync", "--import-bundle", str(path), "--workspace", str(dev))
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
        done = fieldkit(*args, "--workspace", dev, max_memory=MEMORY_CAP)
        assert done.returncode == 2, done.stderr[:300]
        assert quotes_little(done.stderr), done.stderr[:300]
