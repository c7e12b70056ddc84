"""The device store's lists (a day, the newest, by kind) read only what they show: each gives
exactly what filtering every stored record would, and reads through an index, not a scan."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.field.activity import log_activity
from fieldkit.field.device import Device
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.simulate import make_draft, planted_clusters
from fieldkit.model import ACTIVITY, ENGAGEMENT
from tests.support.paths import BARNET

DAYS = 5


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    """A device with engagements over DAYS days, some amended twice, and activity entries."""
    folder = tmp_path_factory.mktemp("queries")
    op = write_sample_loadouts(BARNET, folder / "ops")
    enroll(op / "loadouts" / "alpha.json", folder / "dev")
    with Device.open(folder / "dev") as device:
        rng = random.Random(7)
        clusters = planted_clusters(device.loadout)
        first = device.loadout.assignments[0].start.date()
        drafts = []
        for n in range(120):
            draft = make_draft(device, rng, clusters)
            day = first + timedelta(days=n % DAYS)
            clock = time(rng.randrange(24), rng.randrange(60), tzinfo=device.zone)
            draft.time = datetime.combine(day, clock)
            drafts.append(draft)
        saved = device.save_many(drafts)
        for rec in rng.sample(saved, 15):
            device.amend(rec.id, outcomes=["intelligence_submitted", "follow_up_needed"])
            device.amend(rec.id, outcomes=["leaflet_given", "helpline_signposted", "arrest"])
        for n in range(6):
            moment = datetime.combine(first + timedelta(days=n % DAYS), time(12, n))
            log_activity(device, "note", time=moment.replace(tzinfo=device.zone), notes="x")
        yield device


def everything(dev: Device) -> list[tuple[int, dict[str, object], str]]:
    """Every stored row as (seq, record as JSON, sync state): the ground truth, read whole."""
    rows = dev.store.conn.execute(
        "SELECT e.seq, e.record, o.state FROM engagements e JOIN outbox o ON o.id = e.id"
    ).fetchall()
    return [(seq, json.loads(text), state) for seq, text, state in rows]


def expected(
    dev: Device,
    day: str | None,
    history: bool,
    kind: str | None,
    limit: int | None,
    newest_first: bool,
) -> list[tuple[str, str]]:
    rows = everything(dev)
    amended = {str(rec["amends"]) for _, rec, _ in rows if rec.get("amends")}
    picked = [
        (str(rec["time"]), seq, str(rec["id"]), state)
        for seq, rec, state in rows
        if (day is None or str(rec["time"])[:10] == day)
        and (history or rec["id"] not in amended)
        and (kind is None or rec.get("kind", ENGAGEMENT) == kind)
    ]
    picked.sort(reverse=newest_first)
    return [(rid, state) for _, _, rid, state in picked[:limit]]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(-1, DAYS),
    whole=st.booleans(),
    history=st.booleans(),
    kind=st.sampled_from([None, ENGAGEMENT, ACTIVITY]),
    limit=st.one_of(st.none(), st.integers(1, 200)),
    newest_first=st.booleans(),
)
def test_a_list_is_what_filtering_every_record_gives(
    dev: Device,
    offset: int,
    whole: bool,
    history: bool,
    kind: str | None,
    limit: int | None,
    newest_first: bool,
) -> None:
    first = dev.loadout.assignments[0].start.date()
    day = None if whole else (first + timedelta(days=offset)).isoformat()
    got = dev.store.records(day, history, limit, newest_first, kind)
    want = expected(dev, day, history, kind, limit, newest_first)
    assert [(rec.id, state) for rec, state in got] == want


def test_todays_list_and_the_recent_one_match_the_device_calls(dev: Device) -> None:
    first = dev.loadout.assignments[0].start.date()
    day = dev.records(first)
    want = expected(dev, first.isoformat(), False, ENGAGEMENT, None, False)
    assert [(r.id, s) for r, s in day] == want
    recent = dev.recent(10)
    assert [(r.id, s) for r, s in recent] == expected(dev, None, False, ENGAGEMENT, 10, True)


def plan(dev: Device, sql: str, args: tuple[object, ...] = ()) -> str:
    rows = dev.store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()
    return " | ".join(str(r[-1]) for r in rows)


def test_the_newest_are_read_through_the_time_index_not_a_scan(
    dev: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's recent list on a large store reads the newest rows only (the index on time)."""
    seen: list[str] = []
    real = dev.store.conn

    class Spy:
        def execute(self, sql: str, args: object = ()) -> object:
            seen.append(sql)
            return real.execute(sql, args)  # type: ignore[arg-type]

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(dev.store, "conn", Spy())
    dev.recent(10)
    monkeypatch.setattr(dev.store, "conn", real)
    [sql] = [s for s in seen if "ORDER BY" in s]
    found = plan(dev, sql, (ENGAGEMENT, ENGAGEMENT))
    assert "engagements_time" in found and "TEMP B-TREE" not in found, found


def test_a_day_is_read_through_the_time_index_in_order(
    dev: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day's list reads that day's rows only, already in time order (no sort of them)."""
    seen: list[tuple[str, object]] = []
    real = dev.store.conn

    class Spy:
        def execute(self, sql: str, args: object = ()) -> object:
            seen.append((sql, args))
            return real.execute(sql, args)  # type: ignore[arg-type]

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(dev.store, "conn", Spy())
    dev.records(dev.loadout.assignments[0].start.date())
    monkeypatch.setattr(dev.store, "conn", real)
    [(sql, args)] = [(s, a) for s, a in seen if "ORDER BY" in s]
    found = plan(dev, sql, tuple(args))  # type: ignore[arg-type]
    assert "USING INDEX engagements_time (time>? AND time<?)" in found, found
    assert "TEMP B-TREE" not in found, found


def test_a_store_from_before_the_time_index_gains_it(tmp_path: Path) -> None:
    op = write_sample_loadouts(BARNET, tmp_path / "ops")
    enroll(op / "loadouts" / "alpha.json", tmp_path / "dev")
    with Device.open(tmp_path / "dev") as device:
        device.store.conn.execute("DROP INDEX engagements_time")
        device.store.conn.execute("CREATE INDEX engagements_day ON engagements(day)")
        device.store.conn.execute("PRAGMA user_version=2")
    with Device.open(tmp_path / "dev") as device:
        conn = device.store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "engagements_time" in names and "engagements_day" not in names


def test_the_overview_counts_each_record_once_whatever_its_versions(dev: Device) -> None:
    from fieldkit.field.overview import overview

    rows = everything(dev)
    firsts = {str(rec["id"]) for _, rec, _ in rows if not rec.get("amends")}
    assert overview(dev.folder.parent).engagements == len(firsts) == len(rows) - 30
