"""The device store and the Device API: saving, amending, outbox, migrations, a full disk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlcipher3

from fieldkit.field import outbox
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft, DraftError
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.store import SCHEMA_VERSION, DeviceStore, StoreError, StoreFullError
from fieldkit.field.unlock import open_device_store
from fieldkit.model import NOTES_MAX, PeopleGroup
from tests.support.cli import invoke
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def loadout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    return folder / "loadouts" / "bravo.json"


@pytest.fixture
def dev(tmp_path: Path, loadout: Path) -> Iterator[Device]:
    enroll(loadout, tmp_path / "dev")
    with Device.open(tmp_path / "dev") as device:
        yield device


def draft_at_first_visit(dev: Device, **changes: object) -> Draft:
    visit = dev.loadout.assignments[0]
    draft = dev.prefill(visit.start + timedelta(minutes=10))
    draft.update(**{"outcomes": ["leaflet_given"], **changes})
    return draft


def test_store_pragmas_and_schema(dev: Device) -> None:
    conn = dev.store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(dev: Device) -> None:
    path = dev.store.path
    dev.close()
    conn = raw_connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer fieldkit"):
        open_device_store(path)


def test_tui_api_today_current_prefill(dev: Device) -> None:
    visit = dev.loadout.assignments[0]
    during = visit.start + timedelta(minutes=5)
    assert visit in dev.today(during)
    assert all(a.start.date() == during.date() for a in dev.today(during))
    assert dev.current(during) == visit
    assert dev.current(visit.end + timedelta(minutes=30)) in (visit, *dev.today(during))
    assert dev.current(visit.start - timedelta(days=30)) is None
    draft = dev.prefill(during)
    venue = dev.loadout.venues[visit.venue]
    assert (draft.visit, draft.venue, draft.venue_type) == (visit.visit, venue.id, venue.type)
    agencies = sorted({m.agency for m in dev.loadout.members})
    assert draft.partners == agencies and draft.time == during  # the roster, not the visit
    assert draft.officer == dev.officer
    empty = dev.prefill(visit.start - timedelta(days=30))
    assert empty.visit is None and empty.venue is None


def test_save_amend_recent_pending(dev: Device) -> None:
    first = dev.save(draft_at_first_visit(dev))
    second = dev.save(draft_at_first_visit(dev, indicators=["anxious_afraid"]))
    fixed = dev.amend(first.id, outcomes=["helpline_signposted"])
    again = dev.amend(fixed.id, notes="spoke again later")
    assert fixed.amends == first.id and again.amends == fixed.id
    assert [v.id for v in dev.history(first.id)] == [first.id, fixed.id, again.id]
    recent = [r.id for r, _ in dev.recent(10)]
    assert set(recent) == {second.id, again.id}
    assert dev.pending_count() == 4
    assert dev.store.count() == 4
    assert dev.verify().ok


def test_hlc_keeps_increasing_after_reopen(dev: Device, tmp_path: Path) -> None:
    a = dev.save(draft_at_first_visit(dev))
    dev.close()
    with Device.open(tmp_path / "dev") as reopened:
        b = reopened.save(draft_at_first_visit(reopened))
    assert b.hlc > a.hlc and b.prev_hash == a.hash


def test_draft_errors_name_every_problem(dev: Device) -> None:
    bad = draft_at_first_visit(
        dev,
        indicators=["long_hourz"],
        language="klingon",
        people=[PeopleGroup("female", "age_18_24", "martian", 1)],
    )
    with pytest.raises(DraftError) as caught:
        dev.save(bad)
    text = str(caught.value)
    assert "long_hourz" in text and "klingon" in text and "martian" in text
    assert "romanian" in text  # the valid codes are listed
    nowhere = Draft(officer=dev.officer, time=dev.now(), venue_type="other")
    with pytest.raises(DraftError, match="say where"):
        dev.save(nowhere)
    assert dev.store.count() == 0


def test_outbox_states_never_remove_records(dev: Device) -> None:
    saved = dev.save_many([draft_at_first_visit(dev) for _ in range(5)])
    ids = [r.id for r in saved]
    assert outbox.mark(dev.store, ids[:3], outbox.SENT) == 3
    assert outbox.mark(dev.store, ids[:2], outbox.ACKNOWLEDGED) == 2
    assert outbox.mark(dev.store, ids[2:3], outbox.PENDING) == 1  # a failed push
    assert outbox.mark(dev.store, ids[:1], outbox.PENDING) == 0  # acknowledged stays so
    assert dev.sync_counts() == {"pending": 3, "sent": 0, "acknowledged": 2}
    assert [r.id for r in outbox.to_send(dev.store)] == ids[2:]
    assert dev.store.count() == 5 and dev.pending_count() == 3
    with pytest.raises(sqlcipher3.IntegrityError):
        dev.store.conn.execute("UPDATE outbox SET state = 'pending' WHERE id = ?", (ids[0],))
    states = {r.id: s for r, s in dev.records()}
    assert states[ids[0]] == "acknowledged" and states[ids[4]] == "pending"
    assert dev.verify().ok


def test_bulk_save_is_all_or_nothing(dev: Device) -> None:
    good = [draft_at_first_visit(dev) for _ in range(3)]
    with pytest.raises(DraftError):
        dev.save_many([*good, draft_at_first_visit(dev, outcomes=["nope"])])
    assert dev.store.count() == 0
    assert len(dev.save_many(good)) == 3 and dev.verify().ok


def fill_the_disk(store: DeviceStore) -> None:
    """No room for another page: SQLite answers SQLITE_FULL, as on a full disk."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count={pages}")


def test_full_disk_during_save_keeps_stored_records(dev: Device) -> None:
    kept = dev.save_many([draft_at_first_visit(dev) for _ in range(3)])
    fill_the_disk(dev.store)
    with pytest.raises(StoreFullError, match="disk is full") as caught:
        dev.save(draft_at_first_visit(dev, notes="ș" * NOTES_MAX))
    assert "intact" in str(caught.value)
    assert [r.id for r, _ in dev.records()] == [r.id for r in kept]
    assert dev.verify().ok and dev.pending_count() == 3


def test_full_disk_through_the_cli(
    dev: Device, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev.save(draft_at_first_visit(dev))
    dev.close()
    configure = DeviceStore._configure

    def full(self: DeviceStore) -> None:
        configure(self)
        self._migrate()
        fill_the_disk(self)

    monkeypatch.setattr(DeviceStore, "_configure", full)
    visit = dev.loadout.assignments[0]
    done = invoke("log", "add", "--time", visit.start.isoformat(), "--notes", "ș" * NOTES_MAX,
                  "--outcome", "no_concerns", "-w", tmp_path / "dev")  # fmt: skip
    assert done.returncode == 2 and "disk is full" in done.stderr
    assert "Traceback" not in done.stderr
    monkeypatch.undo()
    done = invoke("log", "list", "--json", "-w", tmp_path / "dev")
    assert done.returncode == 0
    assert len(json.loads(done.stdout)) == 1


def test_saves_from_a_worker_thread(dev: Device) -> None:
    import threading

    saved: list[str] = []

    def work() -> None:
        saved.append(dev.save(draft_at_first_visit(dev)).id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(saved) == 4 and dev.store.count() == 4 and dev.verify().ok
