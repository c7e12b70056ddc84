"""Record format 2 on the device: persons, sensitive text sealed beside the signed body;
format 1 records stay as they were, verified next to format 2 ones."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import (
    ENGAGEMENT_FORMAT,
    ENGAGEMENT_FORMAT_2,
    Engagement,
    PeopleGroup,
    Person,
    RecordError,
)
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET, ROOT

CHILD = Person("female", "under_18", "romanian", signs=("owes_debt",), route="nrm", ref="NRM-77")


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    return folder / "loadouts" / "alpha.json"


@pytest.fixture
def mixed(tmp_path: Path, loadout: Path) -> Path:
    """A device holding two format 1 records (as an older kit wrote them), then two format 2."""
    root = tmp_path / "dev"
    enroll(loadout, root)
    with Device.open(root) as dev:
        start = dev.loadout.assignments[0].start
        for n in range(2):
            draft = dev.prefill(start).update(
                people=[PeopleGroup("male", "age_25_34", "romanian", n + 1)],
                outcomes=["leaflet_given"],
                notes="format one note",
            )
            old = replace(dev.record_from(draft), format=ENGAGEMENT_FORMAT, persons=(), seals=())
            dev.store.append([old], dev.key.sign, dev.clock)
        for _ in range(2):
            draft = dev.prefill(start).update(
                persons=[replace(CHILD, by=dev.officer)],
                indicators=["owes_debt"],
                outcomes=["nrm_referral"],
                notes="Worker said their passport is kept by the boss.",
            )
            dev.save(draft)
    return root


def verify(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", "log", "verify", "--workspace", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def raw(root: Path) -> sqlite3.Connection:
    conn = raw_connect(root / "device" / "store.db", isolation_level=None)
    conn.execute("DROP TRIGGER engagements_no_update")
    return conn


def rows(conn: sqlite3.Connection) -> list[tuple[int, dict]]:
    found = conn.execute("SELECT seq, record FROM engagements ORDER BY seq").fetchall()
    return [(seq, json.loads(text)) for seq, text in found]


def test_format_one_and_two_verify_side_by_side(mixed: Path) -> None:
    done = verify(mixed)
    assert done.returncode == 0, done.stdout + done.stderr
    with Device.open(mixed) as dev:
        records = [r for r, _ in dev.records(history=True)]
    assert [r.format for r in records] == [ENGAGEMENT_FORMAT] * 2 + [ENGAGEMENT_FORMAT_2] * 2
    assert records[0].notes == "format one note"
    assert records[2].notes == "Worker said their passport is kept by the boss."
    assert records[2].persons[0].ref == "NRM-77"
    assert records[2].persons[0].route == "nrm"


def test_the_signed_body_holds_digests_never_the_text(mixed: Path) -> None:
    conn = raw(mixed)
    seq, data = rows(conn)[2]
    body = {k: v for k, v in data.items() if k not in ("hash", "signature", "texts")}
    assert "passport" not in json.dumps(body) and "NRM-77" not in json.dumps(body)
    assert data["notes"].startswith("sha256:") and data["persons"][0]["ref"].startswith("sha256:")
    assert {t["text"] for t in data["texts"].values()} == {
        "Worker said their passport is kept by the boss.",
        "NRM-77",
    }
    # Format 1 stays as it was: the text in the signed body, no persons, no texts.
    _, old = rows(conn)[0]
    assert old["notes"] == "format one note" and "texts" not in old and "persons" not in old


def test_removing_the_text_keeps_signature_and_chain(mixed: Path) -> None:
    conn = raw(mixed)
    for seq, data in rows(conn)[2:]:
        removed = Engagement.from_dict(data).without_texts()
        conn.execute(
            "UPDATE engagements SET record = ? WHERE seq = ?",
            (removed.canonical().decode(), seq),
        )
    done = verify(mixed)
    assert done.returncode == 0, done.stdout + done.stderr
    with Device.open(mixed) as dev:
        records = [r for r, _ in dev.records(history=True)]
    assert records[2].notes is None and records[2].persons[0].ref is None
    assert records[2].persons[0].signs == ("owes_debt",)  # the codes stay


def test_a_changed_text_is_named(mixed: Path) -> None:
    conn = raw(mixed)
    seq, data = rows(conn)[3]
    for entry in data["texts"].values():
        if entry["text"] == "NRM-77":
            entry["text"] = "NRM-78"
    conn.execute("UPDATE engagements SET record = ? WHERE seq = ?", (json.dumps(data), seq))
    done = verify(mixed)
    assert done.returncode == 2
    assert (
        f"record #{seq} {data['id']}: changed: its persons.0.ref text does not match the "
        "digest it was signed with"
    ) in done.stdout + done.stderr


def test_format_one_holds_no_persons_and_format_two_no_stray_text() -> None:
    base = {
        "id": "x",
        "device": "d",
        "officer": "o",
        "operation": "op",
        "team": "t",
        "hlc": "h",
        "recorded_at": "r",
        "timezone": "Europe/London",
        "time": "t",
        "venue_type": "car_wash",
    }
    with pytest.raises(RecordError, match="unknown field"):
        Engagement.from_dict({**base, "persons": []})
    two = Engagement(**base, format=ENGAGEMENT_FORMAT_2, persons=(CHILD,)).to_dict()
    two["texts"]["sha256:" + "0" * 64] = {"salt": "0" * 32, "text": "smuggled"}
    with pytest.raises(RecordError, match="does not name"):
        Engagement.from_dict(two)
    one = Engagement(**base, notes="n")
    assert "persons" not in one.to_dict() and one.to_dict()["notes"] == "n"
