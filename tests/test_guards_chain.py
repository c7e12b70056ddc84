"""Chain verification, one rule at a time: each row tampers with a good store in one way and
names the exact breaks `verify_store` must report (kind, position, record and counts)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fieldkit.field.chain import Break, check_record
from fieldkit.field.clock import HybridClock
from fieldkit.field.store import DeviceStore
from fieldkit.model import Engagement
from tests.support.tampering import (
    CHANGED,
    KEY,
    OTHER,
    SIGNATURE,
    VISITS,
    WALL,
    Expect,
    Saved,
    Tamper,
    delete,
    deleted,
    draft,
    edit_record,
    forge_with_other_key,
    gone_before,
    move,
    report_after,
    reseal_from,
    set_column,
    sign_with_other_key,
    sql,
    stamp,
    stamp_break,
    steps,
    swap,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Saved]:
    path = tmp_path_factory.mktemp("chain") / "store.db"
    store = DeviceStore(path, create=True)
    clock = HybridClock(wall=lambda: WALL)
    saved = store.append([draft(n) for n in range(1, 7)], KEY.sign, clock)
    store.close()
    return path, Saved(saved)


ROWS: dict[str, tuple[Tamper, Expect]] = {
    "untouched": (steps(), lambda s: []),
    "content edited": (
        edit_record(2, lambda t, s: t.replace("romanian", "albanian")),
        lambda s: [f"{s.at(2)}: {CHANGED}"],
    ),
    "the last record edited, head unchanged: named once": (
        edit_record(6, lambda t, s: t.replace("romanian", "albanian")),
        lambda s: [f"{s.at(6)}: {CHANGED}"],
    ),
    "record no longer a record": (
        edit_record(2, lambda t, s: "[]"),
        lambda s: [
            f"{s.at(2)}: changed: its content is no longer a valid record "
            "(an engagement record is a JSON object)"
        ],
    ),
    "signed by another key": (sign_with_other_key(3), lambda s: [f"{s.at(3)}: {SIGNATURE}"]),
    "one record deleted": (delete(4), gone_before(5, 1, lambda s: s[4].hash)),
    "two records deleted": (delete(3, 4), gone_before(5, 2, lambda s: s[4].hash)),
    "the first record deleted": (delete(1), gone_before(2, 1, lambda s: s[1].hash)),
    "chained after a hash never stored (re-signed)": (
        reseal_from(3, {}, prev="ab" * 32),
        gone_before(3, 1, lambda s: "ab" * 32),
    ),
    "one record deleted, its sync state kept": (
        delete(4, keep_sync_state=True),
        lambda s: gone_before(5, 1, lambda s: s[4].hash)(s) + deleted(4)(s),
    ),
    "two records deleted, their sync state kept": (
        delete(4, 2, keep_sync_state=True),
        lambda s: [
            f"{s.at(3)}: missing: 1 record(s) before it are gone: it is chained after hash "
            f"{s[2].hash[:12]}..., which is not in the store",
            *gone_before(5, 1, lambda s: s[4].hash)(s),
            *deleted(2, 4)(s),
        ],
    ),
    "positions renumbered, links intact": (
        move(6, 9),
        lambda s: [f"{s.at(9, 6)}: missing: 3 record(s) before it are gone (positions #6..#8)"],
    ),
    "one position skipped, links intact": (
        move(6, 7),
        lambda s: [f"{s.at(7, 6)}: missing: 1 record(s) before it are gone (positions #6..#6)"],
    ),
    "two records swapped": (
        swap(3, 4),
        lambda s: [
            f"{s.at(3, 4)}: out of order: it is chained after record #4, which comes later "
            "in the store",
            f"{s.at(4, 3)}: out of order: it is chained after record #2, not after #3",
            f"{s.at(4, 3)}: out of order: its clock stamp {s[3].hlc} is not after the "
            "previous record's",
            f"{s.at(5)}: out of order: it is chained after record #3, not after #4",
        ],
    ),
    "sync state removed": (
        sql("DELETE FROM outbox WHERE id = (SELECT id FROM engagements WHERE seq = 3)"),
        lambda s: [f"{s.at(3)}: changed: its sync state was removed"],
    ),
    "head differs from the last record": (
        sql("UPDATE meta SET value = ? WHERE key = 'head'", "6:" + "cd" * 32),
        lambda s: [
            "record #6: changed: it is not the record that was saved last (the store's head "
            "differs)"
        ],
    ),
    "head unreadable": (
        sql("UPDATE meta SET value = 'latest' WHERE key = 'head'"),
        lambda s: [
            "record #6: changed: it is not the record that was saved last (the store's head "
            "differs)"
        ],
    ),
    "the newest records deleted": (
        delete(5, 6),
        lambda s: [
            "record #6: missing: the newest record(s) after #4 are gone: the store's head is "
            f"record #6 with hash {s[6].hash[:12]}..., which is not in the store"
        ],
    ),
    "every record deleted": (
        delete(1, 2, 3, 4, 5, 6),
        lambda s: [
            "record #6: missing: the newest record(s) are gone: the store's head is "
            f"record #6 with hash {s[6].hash[:12]}..., which is not in the store"
        ],
    ),
}


EARLIER, LATER = stamp(WALL - 60_000), stamp(WALL - 30_000)
ROWS.update(
    {
        "clock stamp before the previous one (re-signed)": (
            reseal_from(4, {4: {"hlc": EARLIER}}),
            stamp_break(4, EARLIER),
        ),
        "clock stamp equal to the previous one (re-signed)": (
            reseal_from(4, {4: {"hlc": stamp(WALL, 2)}}),
            stamp_break(4, stamp(WALL, 2)),
        ),
        "a later stamp still before the newest one seen (re-signed)": (
            reseal_from(4, {4: {"hlc": EARLIER}, 5: {"hlc": LATER}}),
            lambda s: stamp_break(4, EARLIER)(s) + stamp_break(5, LATER)(s),
        ),
        "clock stamp unreadable (re-signed)": (
            reseal_from(4, {4: {"hlc": "yesterday"}}),
            stamp_break(4, "yesterday"),
        ),
    }
)


EDITED = edit_record(2, lambda t, s: t.replace("romanian", "albanian"))
ROWS.update(
    {
        "the first record stamped by a clock at 1970 (0-1)": (
            reseal_from(1, {1: {"hlc": stamp(0, 1)}}),
            lambda s: [],
        ),
        "no longer a record, then a later record signed by another key": (
            steps(edit_record(2, lambda t, s: "[]"), sign_with_other_key(4)),
            lambda s: [
                f"{s.at(2)}: changed: its content is no longer a valid record "
                "(an engagement record is a JSON object)",
                f"{s.at(4)}: {SIGNATURE}",
            ],
        ),
        "head beyond the last record": (
            sql("UPDATE meta SET value = '9:ab:cd' WHERE key = 'head'"),
            lambda s: [
                "record #9: missing: the newest record(s) after #6 are gone: the store's head is "
                "record #9 with hash ab:cd..., which is not in the store"
            ],
        ),
        "a record edited and the head changed": (
            steps(EDITED, sql("UPDATE meta SET value = ? WHERE key = 'head'", "6:" + "cd" * 32)),
            lambda s: [
                f"{s.at(2)}: {CHANGED}",
                "record #6: changed: it is not the record that was saved last (the store's head "
                "differs)",
            ],
        ),
        "the last record replaced by a forgery: named once": (
            forge_with_other_key(6),
            lambda s: [f"{s.at(6)}: {SIGNATURE}"],
        ),
        "sync state removed and a later record edited: in chain order": (
            steps(
                edit_record(5, lambda t, s: t.replace("romanian", "albanian")),
                sql("DELETE FROM outbox WHERE id = (SELECT id FROM engagements WHERE seq = 3)"),
            ),
            lambda s: [
                f"{s.at(3)}: changed: its sync state was removed",
                f"{s.at(5)}: {CHANGED}",
            ],
        ),
    }
)


def column(
    seq: int, name: str, value: Callable[[Saved], object], was: Expect
) -> tuple[Tamper, Expect]:
    """An index column edited with sqlite3: verify names the record and the column."""

    def expect(s: Saved) -> list[str]:
        (want,) = was(s)
        return [
            f"{s.at(seq)}: changed: its {name} column says {value(s)!r} but its signed record "
            f"says {want!r} (the index was edited)"
        ]

    return set_column(seq, name, value), expect


FAKE_ID = "0190a000-0000-7000-8000-999999999999"
COLUMN_ROWS: dict[str, tuple[Tamper, Expect]] = {
    "day": column(2, "day", lambda s: "2023-09-01", lambda s: ["2023-09-22"]),
    "visit changed": column(1, "visit", lambda s: VISITS[2], lambda s: [VISITS[1]]),
    "visit added": column(3, "visit", lambda s: VISITS[2], lambda s: [None]),
    "visit removed": column(2, "visit", lambda s: None, lambda s: [VISITS[2]]),
    "root of a first version": column(2, "root", lambda s: s[1].id, lambda s: [s[2].id]),
    "root of an amendment": column(4, "root", lambda s: s[4].id, lambda s: [s[2].id]),
    "root of an amendment's amendment": column(5, "root", lambda s: s[4].id, lambda s: [s[2].id]),
    "hlc": column(3, "hlc", lambda s: stamp(WALL, 9), lambda s: [s[3].hlc]),
    "time": column(3, "time", lambda s: "2023-09-30T01:00:00+01:00", lambda s: [s[3].time]),
    "amends added": column(3, "amends", lambda s: s[1].id, lambda s: [None]),
    "amends changed": column(4, "amends", lambda s: s[1].id, lambda s: [s[2].id]),
    "prev_hash": column(3, "prev_hash", lambda s: "ab" * 32, lambda s: [s[2].hash]),
    "hash": column(3, "hash", lambda s: "cd" * 32, lambda s: [s[3].hash]),
}


def _id_column() -> tuple[Tamper, Expect]:
    tamper, expect = column(3, "id", lambda s: FAKE_ID, lambda s: [s[3].id])

    def all_of(s: Saved) -> list[str]:
        (named,) = expect(s)
        return [
            named.replace(s[3].id, FAKE_ID, 1),
            f"record #3 {FAKE_ID}: changed: its sync state was removed",
            *deleted(3)(s),
        ]

    return tamper, all_of


COLUMN_ROWS["id"] = _id_column()


@pytest.mark.parametrize("name", list(ROWS))
def test_each_tampering_is_named_exactly(
    name: str, tmp_path: Path, template: tuple[Path, Saved]
) -> None:
    tamper, expect = ROWS[name]
    report = report_after(tmp_path, template, tamper)
    assert [str(b) for b in report.breaks] == expect(template[1])
    assert report.ok is (not expect(template[1]))


@pytest.mark.parametrize("name", list(COLUMN_ROWS))
def test_an_edited_index_column_is_named(
    name: str, tmp_path: Path, template: tuple[Path, Saved]
) -> None:
    tamper, expect = COLUMN_ROWS[name]
    report = report_after(tmp_path, template, tamper)
    assert [str(b) for b in report.breaks] == expect(template[1])


def test_the_report_as_data(tmp_path: Path, template: tuple[Path, Saved]) -> None:
    saved = template[1]
    report = report_after(tmp_path, template, delete(4, keep_sync_state=True))
    assert report.checked == 5
    assert report.to_dict() == {
        "ok": False,
        "checked": 5,
        "breaks": [
            {
                "kind": "missing",
                "seq": 5,
                "id": saved[5].id,
                "detail": f"1 record(s) before it are gone: it is chained after hash "
                f"{saved[4].hash[:12]}..., which is not in the store",
            },
            {
                "kind": "missing",
                "seq": None,
                "id": saved[4].id,
                "detail": "the record was deleted from the store (its sync state is still there)",
            },
        ],
    }
    assert str(Break("missing", None, None, "x")) == "record: missing: x"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r, None),
        (lambda r: r.with_changes(notes="edited"), "changed"),
        (lambda r: r.with_changes(signature=OTHER.sign(bytes.fromhex(r.hash))), "bad signature"),
    ],
    ids=["intact", "content edited", "another key's signature"],
)
def test_one_record_alone(
    change: Callable[[Engagement], Engagement],
    expected: str | None,
    template: tuple[Path, Saved],
) -> None:
    assert check_record(change(template[1][3]), KEY.public_hex) == expected
