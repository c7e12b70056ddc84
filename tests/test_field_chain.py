"""Tampering with the store behind the kit's back is caught and named by `fieldkit log verify`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3

from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.model import Engagement, PeopleGroup
from tests.support.cli import fieldkit
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET
from tests.support.tampering import (
    Saved,
    Tamper,
    delete,
    edit_record,
    forge_with_other_key,
    set_column,
    steps,
    swap,
)


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    return folder / "loadouts" / "alpha.json"


@pytest.fixture
def filled(tmp_path: Path, loadout: Path) -> tuple[Path, list[Engagement]]:
    """A device workspace with six engagements saved one by one."""
    root = tmp_path / "dev"
    enroll(loadout, root)
    saved = []
    with Device.open(root) as dev:
        visit = dev.loadout.assignments[0]
        for n in range(6):
            draft = dev.prefill(visit.start)
            draft.update(
                people=[PeopleGroup("female", "age_25_34", "romanian", n + 1)],
                outcomes=["leaflet_given"],
            )
            saved.append(dev.save(draft))
    return root, saved


def raw(root: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the kit's guards taken away, as a tamperer would."""
    conn = raw_connect(root / "device" / "store.db", isolation_level=None)
    for name in ("engagements_no_update", "engagements_no_delete", "outbox_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def verify(root: Path) -> subprocess.CompletedProcess[str]:
    return fieldkit("log", "verify", "--workspace", str(root))


def test_triggers_refuse_update_and_delete(filled: tuple[Path, list[Engagement]]) -> None:
    root, _ = filled
    conn = raw_connect(root / "device" / "store.db")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        conn.execute("UPDATE engagements SET record = '{}' WHERE seq = 2")
    with pytest.raises(sqlcipher3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM engagements WHERE seq = 2")
    with pytest.raises(sqlcipher3.IntegrityError):
        conn.execute("DELETE FROM outbox")
    conn.close()


def test_verify_json_report(filled: tuple[Path, list[Engagement]]) -> None:
    root, _ = filled
    result = fieldkit("log", "verify", "--json", "-w", str(root))
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "checked": 6, "breaks": []}


def change_one_and_delete_another() -> Tamper:
    changed = edit_record(2, lambda text, _: text.replace("leaflet_given", "no_concerns"))
    return steps(changed, delete(4, keep_sync_state=True))


def swap_two_and_forge_one() -> Tamper:
    """Records #3 and #4 swapped; #6 re-hashed after editing, signed with some other key."""
    return steps(swap(3, 4), forge_with_other_key(6))


def delete_the_newest() -> Tamper:
    return delete(5, 6)


def edit_an_index_column() -> Tamper:
    return set_column(3, "day", lambda _: "2023-09-01")


Said = Callable[[list[Engagement]], list[str]]

TAMPERING: list[tuple[Callable[[], Tamper], list[tuple[int | None, str]], Said, set[int]]] = [
    # (what is done behind the kit's back, the breaks verify reports (seq, kind; no seq for a
    # deleted record), what
    # `log verify` says of them, the records (by position) it must not name)
    (
        change_one_and_delete_another,
        [(2, "changed"), (5, "missing"), (None, "missing")],
        lambda saved: [
            f"record #2 {saved[1].id}: changed:",
            f"record #5 {saved[4].id}",  # its link points at a gap
            f"{saved[3].id}",  # the deleted one, by id
        ],
        {0, 2, 5},
    ),
    (
        swap_two_and_forge_one,
        [(3, "out of order"), (4, "out of order"), (4, "out of order"), (5, "out of order")]
        + [(6, "bad signature")],
        lambda saved: [f"record #6 {saved[5].id}: bad signature"],
        {0, 1},
    ),
    (
        delete_the_newest,
        [(6, "missing")],
        lambda saved: ["newest record(s) after #4 are gone"],
        {0, 1, 2, 3},
    ),
    (
        edit_an_index_column,
        [(3, "changed")],
        lambda saved: [
            f"record #3 {saved[2].id}: changed: its day column says '2023-09-01' but its "
            f"signed record says '{saved[2].time[:10]}' (the index was edited)"
        ],
        {0, 1, 3, 4, 5},
    ),
]


@pytest.mark.parametrize(
    ("tamper", "breaks", "said", "untouched"), TAMPERING, ids=[t[0].__name__ for t in TAMPERING]
)
def test_verify_names_each_tampering(
    filled: tuple[Path, list[Engagement]],
    tamper: Callable[[], Tamper],
    breaks: list[tuple[int | None, str]],
    said: Said,
    untouched: set[int],
) -> None:
    root, saved = filled
    conn = raw(root)
    tamper()(conn, Saved(saved))
    conn.close()
    with Device.open(root) as dev:
        report = dev.verify()
    assert [(b.seq, b.kind) for b in report.breaks] == breaks
    result = verify(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for words in said(saved):
        assert words in result.stderr
    assert not any(saved[n].id in result.stderr for n in untouched)


def test_an_edited_index_column_moves_no_record_in_lists(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, saved = filled
    conn = raw(root)
    edit_an_index_column()(conn, Saved(saved))
    conn.close()
    # Lists go by the time column (a day is a range of it): the edited day moves no record.
    listed = fieldkit("log", "list", "--day", "2023-09-01", "--json", "--workspace", str(root))
    assert json.loads(listed.stdout) == []
    day = saved[2].time[:10]
    listed = fieldkit("log", "list", "--day", day, "--json", "--workspace", str(root))
    assert saved[2].id in [r["id"] for r in json.loads(listed.stdout)]


def test_verify_on_every_core_reports_what_one_core_does(
    filled: tuple[Path, list[Engagement]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records checked in worker processes (chunks of 2 here) give the same breaks, in the
    same order, as the walk on one core: a changed body, a forged signature, an edited index
    column, a deleted record and a broken text."""
    root, saved = filled
    conn = raw(root)
    steps(change_one_and_delete_another(), edit_an_index_column(), forge_with_other_key(6))(
        conn, Saved(saved)
    )
    conn.execute("UPDATE engagements SET record = 'not json' WHERE seq = 1")
    conn.close()
    with Device.open(root) as dev:
        one = dev.verify(1).to_dict()
        assert dev.verify(2).to_dict() == one  # under PARALLEL_FROM: checked in process
        monkeypatch.setattr("fieldkit.field.chain_parallel.PARALLEL_FROM", 0)
        monkeypatch.setattr("fieldkit.field.chain_parallel.CHUNK", 2)
        both = dev.verify(2).to_dict()
    assert both == one
    kinds = {(b["seq"], b["kind"]) for b in one["breaks"]}  # type: ignore[union-attr]
    assert {(1, "changed"), (2, "changed"), (3, "changed"), (6, "bad signature")} <= kinds
    assert (5, "missing") in kinds


def test_verify_workers_option_gives_the_same_output(
    filled: tuple[Path, list[Engagement]],
) -> None:
    root, saved = filled
    conn = raw(root)
    edit_an_index_column()(conn, Saved(saved))
    conn.close()
    default, one = verify(root), fieldkit("log", "verify", "--workers", "1", "-w", str(root))
    assert default.returncode == one.returncode == 2
    assert default.stderr == one.stderr and "record #3" in one.stderr
    refused = fieldkit("log", "verify", "--workers", "0", "-w", str(root))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
