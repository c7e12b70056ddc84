"""A device store of six records and ways to tamper with it, for the tables of
test_guards_chain and test_field_chain."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldkit.field.chain import ChainReport, verify_store
from fieldkit.field.clock import Stamp
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup

KEY = DeviceKey.generate()
OTHER = DeviceKey.generate()
WALL = 1_695_578_400_000
TRIGGERS = ("engagements_no_update", "engagements_no_delete", "outbox_no_delete")
#: Record 4 amends record 2 and record 5 amends record 4: three versions under one root.
AMENDS = {4: 2, 5: 4}
VISITS = {1: "wash.v1.2023-09-21", 2: "pop.v2.2023-09-22"}


def draft(n: int) -> Engagement:
    return Engagement(
        id=f"0190a000-0000-7000-8000-{n:012d}",
        device="alpha-0001",
        officer="pc-okafor",
        operation="barnet",
        team="alpha",
        hlc="",
        recorded_at="2023-09-26T19:00:00+01:00",
        timezone="Europe/London",
        time=f"2023-09-{20 + n}T19:00:00+01:00",
        venue_type="brothel",
        visit=VISITS.get(n),
        amends=f"0190a000-0000-7000-8000-{AMENDS[n]:012d}" if n in AMENDS else None,
        people=(PeopleGroup("female", "age_25_34", "romanian", n),),
    )


@dataclass
class Saved:
    """The six records of the good store, by position (1-based, as verify names them)."""

    records: list[Engagement]

    def __getitem__(self, seq: int) -> Engagement:
        return self.records[seq - 1]

    def at(self, seq: int, rid: int | None = None) -> str:
        """How verify names record #seq (holding the record saved at position `rid`)."""
        return f"record #{seq} {self[rid or seq].id}"


Tamper = Callable[[sqlite3.Connection, Saved], None]
Expect = Callable[[Saved], list[str]]


def report_after(tmp: Path, template: tuple[Path, Saved], tamper: Tamper) -> ChainReport:
    path, saved = template
    shutil.copyfile(path, tmp / "store.db")
    conn = sqlite3.connect(tmp / "store.db", isolation_level=None)
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    tamper(conn, saved)
    try:
        return verify_store(conn, KEY.public_hex)
    finally:
        conn.close()


# -- ways to tamper ------------------------------------------------------------------------


def sql(statement: str, *args: object) -> Tamper:
    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        conn.execute(statement, args)

    return run


def steps(*tampers: Tamper) -> Tamper:
    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        for tamper in tampers:
            tamper(conn, saved)

    return run


def delete(*seqs: int, keep_sync_state: bool = False) -> Tamper:
    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        for seq in seqs:
            conn.execute("DELETE FROM engagements WHERE seq = ?", (seq,))
            if not keep_sync_state:
                conn.execute("DELETE FROM outbox WHERE id = ?", (saved[seq].id,))

    return run


def edit_record(seq: int, edit: Callable[[str, Saved], str]) -> Tamper:
    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        text = conn.execute("SELECT record FROM engagements WHERE seq = ?", (seq,)).fetchone()[0]
        conn.execute("UPDATE engagements SET record = ? WHERE seq = ?", (edit(text, saved), seq))

    return run


def sign_with_other_key(seq: int) -> Tamper:
    def edit(text: str, saved: Saved) -> str:
        rec = saved[seq]
        other = OTHER.sign(bytes.fromhex(rec.hash))
        return rec.with_changes(signature=other).canonical().decode()

    return edit_record(seq, edit)


def move(seq: int, to: int) -> Tamper:
    return sql("UPDATE engagements SET seq = ? WHERE seq = ?", to, seq)


def swap(a: int, b: int) -> Tamper:
    return steps(move(a, 0), move(b, a), move(0, b))


def set_column(seq: int, column: str, value: Callable[[Saved], object]) -> Tamper:
    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        conn.execute(f"UPDATE engagements SET {column} = ? WHERE seq = ?", (value(saved), seq))

    return run


def reseal_from(seq: int, changes: dict[int, dict[str, str]], prev: str | None = None) -> Tamper:
    """Change records from #seq on and sign them again with the device's own key: a forgery by
    someone holding the key, hashes and links intact (record #seq chained after `prev`)."""

    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        link = prev or (saved[seq - 1].hash if seq > 1 else GENESIS_HASH)
        for n in range(seq, 7):
            rec = saved[n].with_changes(**changes.get(n, {})).sealed(link, KEY.sign)
            conn.execute(
                "UPDATE engagements SET hlc = ?, prev_hash = ?, hash = ?, record = ? WHERE seq = ?",
                (rec.hlc, rec.prev_hash, rec.hash, rec.canonical().decode(), n),
            )
            link = rec.hash
        conn.execute("UPDATE meta SET value = ? WHERE key = 'head'", (f"6:{link}",))

    return run


def stamp(ms: int, counter: int = 0) -> str:
    return str(Stamp(ms, counter))


CHANGED = "changed: its content does not match its hash (edited after it was saved)"
SIGNATURE = "bad signature: its signature is not this device's"


def stamp_break(seq: int, hlc: str) -> Expect:
    return lambda s: [
        f"{s.at(seq)}: out of order: its clock stamp {hlc} is not after the previous record's"
    ]


def gone_before(seq: int, n: int, prev: Callable[[Saved], str]) -> Expect:
    return lambda s: [
        f"{s.at(seq)}: missing: {n} record(s) before it are gone: it is chained after "
        f"hash {prev(s)[:12]}..., which is not in the store"
    ]


def deleted(*seqs: int) -> Callable[[Saved], list[str]]:
    return lambda s: [
        f"record {s[n].id}: missing: the record was deleted from the store "
        "(its sync state is still there)"
        for n in seqs
    ]


def forge_with_other_key(seq: int) -> Tamper:
    """Record #seq edited and signed again by a key that is not the device's."""

    def run(conn: sqlite3.Connection, saved: Saved) -> None:
        rec = saved[seq].with_changes(outcomes=("arrest",)).sealed(saved[seq].prev_hash, OTHER.sign)
        conn.execute(
            "UPDATE engagements SET record = ?, hash = ? WHERE seq = ?",
            (rec.canonical().decode(), rec.hash, seq),
        )

    return run
