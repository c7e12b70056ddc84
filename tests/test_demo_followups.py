"""After the demo's week, the referrals' later life is entered at central (decisions, support
accepted or declined, returns home with ANITP's help), each through central's own checks, and
the report, demo.json and `fieldkit followups` show it."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.central.followups import events, follow_ups
from fieldkit.central.store import Central, central_path
from fieldkit.codes.followups import REFERRED, check_next, is_open
from fieldkit.demo.followups_step import CASE_OFFICER, HOME_PARTNER, later_life
from tests.support.cli import WIDE, fieldkit
from tests.support.demo import DemoRun


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_later_life_drawn_keeps_the_transitions(seed: int) -> None:
    path = later_life(random.Random(seed), (REFERRED,))
    history = [REFERRED]
    for status in path:
        partner = HOME_PARTNER if status == "returned_home_assisted" else None
        check_next("person", tuple(history), status, partner)  # raises when it may not follow
        history.append(status)
    assert len(set(path)) == len(path)


def test_the_demo_follows_referrals_up_and_shows_every_kind(demo_run: DemoRun) -> None:
    with Central(central_path(demo_run.workspace / "sync")) as store:
        stored = events(store)
        people = [f for f in follow_ups(store, open_only=False) if f.kind == "person"]
    assert demo_run.demo["follow_up_events"] == len(stored) > 0
    assert {e.entered_by for e in stored} == {CASE_OFFICER}
    kinds = {e.status for e in stored}
    for wanted in ("reasonable_grounds_positive", "support_accepted", "support_declined",
                   "returned_home_assisted"):  # fmt: skip
        assert wanted in kinds
    assert {e.partner for e in stored if e.status == "returned_home_assisted"} == {HOME_PARTNER}
    closed = [f for f in people if not is_open(f.history)]
    assert closed and len(closed) < len(people)
    by_status = demo_run.demo["people"]["follow_ups"]
    assert sum(by_status.values()) == len(people) == demo_run.demo["people"]["referred"]
    for f in people:
        assert all(e.at > f.opened[:10] for e in f.events)


def test_followups_lists_the_demo_s_open_ones_only(demo_run: DemoRun) -> None:
    listed = fieldkit("followups", "--json", "--workspace", demo_run.workspace, env=WIDE)
    assert listed.returncode == 0, listed.stderr
    doc = json.loads(listed.stdout)
    rows = doc["follow_ups"]
    with Central(central_path(demo_run.workspace / "sync")) as store:
        still_open = [f.id for f in follow_ups(store)]
    assert sorted(r["id"] for r in rows) == sorted(still_open)
    assert all(r["status"] != "returned_home_assisted" for r in rows)
