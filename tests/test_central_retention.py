"""`fieldkit central retention`: what is past its review date is listed, then deleted - the
text of records, whole engagements of no concern - and every chain still verifies, the reports
still add up, a removed record sent again stays removed.

"Add up" means: removing texts changes no count of the report; removing an engagement of no
concern takes away exactly what it counted (one engagement, its people, its no_concerns
outcome, its records) and changes nothing else (signs, referrals, persons).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.central.access_log import entries as access_entries
from fieldkit.central.access_log import verify as access_verify
from fieldkit.central.chain_verify import verify_chains
from fieldkit.central.store import Central, central_path
from fieldkit.encrypted_store import DATABASE_ERRORS
from fieldkit.model import Engagement
from fieldkit.workspace import Workspace
from tests.support.cli import fieldkit, invoke
from tests.support.retention import (
    AS_OF,
    TABLE,
    TEXT_REMOVED,
    WHOLE_REMOVED,
    make_workspace,
    publish_retention,
    push,
    record_id,
    records,
)


def retention(ws: Workspace, *args: str) -> dict[str, Any]:
    done = invoke("central", "retention", "--json", "--workspace", ws.root, *args)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def report(ws: Workspace) -> dict[str, Any]:
    done = invoke("report", "peopleop", "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def held(ws: Workspace) -> dict[str, Engagement]:
    with Central(central_path(ws.sync)) as central:
        return {r["id"]: Engagement.from_dict(r) for r in central.records()}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


def test_the_list_names_exactly_what_is_past_its_review_date(ws: Workspace) -> None:
    before = held(ws)
    found = retention(ws, "--as-of", AS_OF)
    assert found["applied"] is False
    (op,) = found["operations"]
    assert op["records_with_text_removed"] == [record_id(n) for n in TEXT_REMOVED]
    assert op["records_removed"] == [record_id(n) for n in sorted(WHOLE_REMOVED)]
    assert op["engagements_removed"] == 2  # 3, and 6 with its amendment 7
    # 1: notes and a referral ref; 5, 8, 9: notes.
    assert op["texts_removed"] == 5 and op["texts_removed_with_engagements"] == 3
    assert held(ws) == before  # a list changes nothing


def test_apply_removes_the_texts_and_the_engagements_and_every_chain_verifies(
    ws: Workspace,
) -> None:
    done = retention(ws, "--as-of", AS_OF, "--apply")
    assert done["applied"] is True and done["verification"]["ok"] is True
    assert done["verification"]["removed"] == len(WHOLE_REMOVED)
    after = held(ws)
    assert sorted(after) == sorted(record_id(n) for n, *_ in TABLE if n not in WHOLE_REMOVED)
    for n in TEXT_REMOVED:
        rec = after[record_id(n)]
        assert rec.notes is None and all(p.ref is None for p in rec.persons)
        assert rec.text_faults() == [] and rec.hash == rec.compute_hash()
    kept = after[record_id(2)]
    assert kept.notes == "NOTE-2-the-manager-was-named" and kept.persons[0].ref == "NRM-REF-2"
    with Central(central_path(ws.sync)) as central:
        assert verify_chains(central).ok
        assert central.problems(open_only=True) == []
        texts = central.query("SELECT text FROM record_texts")
    assert all("NOTE-1-" not in t and "NRM-REF-1" != t for (t,) in texts)
    assert retention(ws, "--as-of", AS_OF)["texts_removed"] == 0  # nothing left to remove


def test_the_text_of_a_removed_record_is_gone_from_every_table(ws: Workspace) -> None:
    retention(ws, "--as-of", AS_OF, "--apply")
    with Central(central_path(ws.sync)) as central:
        tables = [t for (t,) in central.query("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(str(row) for t in tables for row in central.query(f"SELECT * FROM {t}"))
    for gone in ("NOTE-3-", "NOTE-1-", "'NRM-REF-1'"):
        assert gone not in dump
    assert "NOTE-2-" in dump


def test_reports_add_up_after_retention(ws: Workspace) -> None:
    before = report(ws)
    retention(ws, "--as-of", AS_OF, "--apply")
    after = report(ws)
    # 3 (3 people) and 6 amended by 7 (4 people): two engagements of no concern.
    gone_people, gone = 3 + 4, 2
    assert after["totals"] == {
        **before["totals"],
        "engagements": before["totals"]["engagements"] - gone,
        "people": before["totals"]["people"] - gone_people,
    }
    assert after["people"]["total"] == before["people"]["total"] - gone_people
    outcomes = {r["code"]: r["engagements"] for r in before["outcomes"]}
    outcomes["no_concerns"] -= gone
    assert {r["code"]: r["engagements"] for r in after["outcomes"]} == outcomes
    for section in ("persons", "referrals", "indicators"):
        assert after[section] == before[section], section
    assert after["data_quality"]["records"] == before["data_quality"]["records"] - 3


def test_removing_text_only_changes_no_count(ws: Workspace) -> None:
    publish_retention(ws, {"no_concern_engagements": "10 years", "sensitive_text": "1 year"})
    before = report(ws)
    done = retention(ws, "--as-of", AS_OF, "--apply")
    (op,) = done["operations"]
    assert op["policy"]["sensitive_text"] == "1 year" and op["engagements_removed"] == 0
    # a year: every record's text older than 2029-01-15 goes (not 4, 10: 2029-03 and 2029-12).
    assert sorted(op["records_with_text_removed"]) == [
        record_id(n) for n in (1, 2, 3, 5, 6, 7, 8, 9)
    ]
    assert {k: v for k, v in report(ws).items() if k != "as_of"} == {
        k: v for k, v in before.items() if k != "as_of"
    }


def test_a_removed_record_sent_again_stays_removed_and_the_chain_goes_on(ws: Workspace) -> None:
    retention(ws, "--as-of", AS_OF, "--apply")
    with Central(central_path(ws.sync)) as central:
        result = push(central, records())  # the whole chain again, and 11 after 3 (removed)
        assert result.new == 1 and not result.rejected
        assert result.head["count"] == len(TABLE) + 1  # the head passed 3's trace
        assert central.problems() == []
        assert record_id(3) not in {r["id"] for r in central.records()}
        assert verify_chains(central).ok


def test_records_are_removed_only_by_retention_s_path(ws: Workspace) -> None:
    with Central(central_path(ws.sync)) as central:
        for sql in (
            "DELETE FROM records WHERE id = ?",
            "UPDATE records SET body = '{}' WHERE id = ?",
        ):
            with pytest.raises(DATABASE_ERRORS, match="never changed"):
                central.conn.execute(sql, (record_id(1),))
        retention_trace = "DELETE FROM removed_records"
        central.conn.execute(retention_trace)  # none yet: nothing to refuse
    retention(ws, "--as-of", AS_OF, "--apply")
    with Central(central_path(ws.sync)) as central:
        with pytest.raises(DATABASE_ERRORS, match="traces of removed records"):
            central.conn.execute("DELETE FROM removed_records")


def test_a_bad_as_of_is_one_line_and_exit_2(ws: Workspace) -> None:
    done = fieldkit("central", "retention", "--as-of", "2030-13-45", "--workspace", ws.root)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        'fieldkit: --as-of "2030-13-45" is not a date: write YYYY-MM-DD'
    ]
    assert done.stdout == ""


def test_a_bad_review_period_in_a_published_loadout_is_named(ws: Workspace) -> None:
    publish_retention(ws, {"sensitive_text": "soon"})
    done = invoke("central", "retention", "--workspace", ws.root)
    assert done.returncode == 2
    assert 'operation "peopleop"' in done.stderr and '"soon"' in done.stderr
    assert "Traceback" not in done.stderr


def test_the_text_listing_names_the_records(ws: Workspace) -> None:
    done = invoke("central", "retention", "--as-of", AS_OF, "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert f"text: {record_id(1)}" in done.stdout
    assert f"engagement record: {record_id(3)}" in done.stdout
    assert "NOTE-" not in done.stdout and "NRM-REF" not in done.stdout


def test_a_chain_whose_gap_fills_after_retention_runs_through_the_traces(tmp_path: Path) -> None:
    from fieldkit.workspace import FOLDERS
    from tests.support.retention import empty_central

    for name in FOLDERS:
        (tmp_path / name).mkdir()
    ws = Workspace(tmp_path)
    first, rest = records()[0], records()[1:-1]
    with empty_central(central_path(ws.sync)) as central:
        assert push(central, rest).head["count"] == 0  # record 1 missing: a gap from the start
        before = verify_chains(central)
        assert len(before.faults) == 1 and "does not hold" in before.faults[0]
    done = retention(ws, "--as-of", AS_OF, "--apply")
    assert done["engagements_removed"] == 2
    assert done["verification"]["faults"] == before.faults  # the gap, and nothing new
    with Central(central_path(ws.sync)) as central:
        result = push(central, [first])
        assert result.head["count"] == len(TABLE)  # through the traces of 3, 6 and 7
        assert central.problems(open_only=True) == []
        assert verify_chains(central).ok


KINDS = ("referral", "no_concern", "leaflet")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ages=st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(KINDS)), min_size=1, max_size=6),
    data=st.data(),
)
def test_nothing_younger_than_its_review_period_is_ever_touched(
    tmp_path_factory: pytest.TempPathFactory, ages: list[tuple[int, str]], data: st.DataObject
) -> None:
    from fieldkit.central.retention import apply
    from fieldkit.codes.retention import retention_policy
    from tests.support.retention import chain, empty_central

    start, policy = date(2022, 1, 1), retention_policy()
    rows = tuple(
        (n + 1, (start + timedelta(days=age)).isoformat(), kind, 1, None, False)
        for n, (age, kind) in enumerate(ages)
    )
    # Any day, or a day or two either side of one record's review date (where a slip shows).
    reviews = [
        p.after(start + timedelta(days=age))
        for age, _ in ages
        for p in (policy.no_concern_engagements, policy.text_period(["leaflet_given"]))
    ]
    as_of = data.draw(
        st.one_of(
            st.dates(date(2023, 1, 1), date(2034, 12, 31)),
            st.builds(
                lambda d, slack: d + timedelta(days=slack),
                st.sampled_from(reviews),
                st.integers(-1, 1),
            ),
        )
    )
    with empty_central(tmp_path_factory.mktemp("h") / "central.db") as central:
        push(central, chain(rows))
        apply(central, as_of)
        kept = {r["id"]: Engagement.from_dict(r) for r in central.records()}
        assert verify_chains(central).ok
    for n, day, kind, *_ in rows:
        made = date.fromisoformat(day)
        rec = kept.get(record_id(n))
        if kind == "no_concern" and policy.no_concern_engagements.after(made) <= as_of:
            assert rec is None
            continue
        assert rec is not None  # only past-review engagements of no concern go whole
        outcomes = {"referral": ["nrm_referral"], "leaflet": ["leaflet_given"]}.get(
            kind, ["no_concerns"]
        )
        past = policy.text_period(outcomes).after(made) <= as_of
        assert (rec.notes is None) == past


def test_a_fault_found_after_removing_stops_it_all(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fieldkit.central.retention as core
    from fieldkit.central.chain_verify import ChainVerification
    from fieldkit.central.store import CentralError

    calls: list[int] = []

    def checked(central: Central) -> ChainVerification:
        calls.append(1)
        found = verify_chains(central)
        if len(calls) == 2:  # after the removals, inside the transaction
            found.faults.append("alpha-dev: record X: a fault retention made")
        return found

    monkeypatch.setattr(core, "verify_chains", checked)
    before = held(ws)
    with Central(central_path(ws.sync)) as central:
        with pytest.raises(CentralError, match="nothing was removed: .*a fault retention made"):
            core.apply(central, date.fromisoformat(AS_OF))
        assert central.query("SELECT count(*) FROM removed_records") == [(0,)]
    assert held(ws) == before


def test_each_removal_is_an_entry_of_the_access_log(ws: Workspace) -> None:
    retention(ws, "--as-of", AS_OF)
    retention(ws, "--as-of", AS_OF, "--apply", "--purpose", "MoPI review")
    with Central(central_path(ws.sync)) as central:
        logged = [e for e in access_entries(central.conn) if e.what.startswith("retention")]
        assert access_verify(central.conn) is None
    got = [(e.what, e.operation, e.count, e.purpose, e.via) for e in logged]
    texts, whole = len(TEXT_REMOVED), len(WHOLE_REMOVED)
    assert got == [
        ("retention review: sensitive text", "peopleop", texts, "not given", "cli"),
        ("retention review: engagements of no concern", "peopleop", whole, "not given", "cli"),
        ("retention removal: sensitive text", "peopleop", texts, "MoPI review", "cli"),
        ("retention removal: engagements of no concern", "peopleop", whole, "MoPI review", "cli"),
    ]
