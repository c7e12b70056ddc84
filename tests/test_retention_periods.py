"""Review periods: written in a playbook's `retention` (checked, errors located), defaulted from
the outcome codes' `review`, and counted on the calendar."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.codes import load_codes
from fieldkit.codes.retention import Period, outcome_periods, retention_policy
from fieldkit.workspace import Workspace
from tests.support.cli import fieldkit, invoke
from tests.support.paths import ROOT

MIDLANDS = ROOT / "playbooks" / "midlands-outreach.yaml"


def test_every_outcome_has_a_review_period_and_the_defaults_follow_them() -> None:
    periods = outcome_periods()
    assert set(periods) == set(load_codes().outcomes.ids)
    policy = retention_policy()
    assert policy.no_concern_engagements == Period(12, 0, "12 months")
    assert policy.text_period(["nrm_referral"]).text == "6 years"
    assert policy.text_period(["leaflet_given"]).text == "2 years"
    assert policy.text_period(["leaflet_given", "arrest"]).text == "6 years"  # the longest
    assert policy.text_period([]).text == "6 years"
    assert policy.device_text_days == 30


@pytest.mark.parametrize(
    ("text", "months", "days"),
    [("6 years", 72, 0), ("1 year", 12, 0), ("12 months", 12, 0), (" 90 days ", 0, 90)],
)
def test_a_period_is_a_number_and_a_unit(text: str, months: int, days: int) -> None:
    period = Period.parse(text)
    assert (period.months, period.days) == (months, days)


@pytest.mark.parametrize("text", ["6", "6y", "six years", "0 days", "-1 years", "1 week", 6, None])
def test_anything_else_is_refused_saying_how_to_write_it(text: object) -> None:
    with pytest.raises(ValueError, match="review period|zero"):
        Period.parse(text)


def test_a_review_date_falls_on_the_calendar() -> None:
    assert Period.parse("1 year").after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert Period.parse("1 month").after(date(2023, 1, 31)) == date(2023, 2, 28)
    assert Period.parse("6 years").after(date(2023, 9, 26)) == date(2029, 9, 26)
    assert Period.parse("30 days").after(date(2023, 9, 26)) == date(2023, 10, 26)


@given(
    day=st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    number=st.integers(1, 999),
    unit=st.sampled_from(["days", "months", "years"]),
)
def test_a_review_date_is_always_after_the_day_and_never_more_than_the_period(
    day: date, number: int, unit: str
) -> None:
    after = Period.parse(f"{number} {unit}").after(day)
    assert after > day
    longest = {"days": 1, "months": 31, "years": 366}[unit] * number
    assert after - day <= timedelta(days=longest)


def test_a_playbook_sets_its_review_periods_and_the_loadouts_carry_them(
    workspace: Workspace,
) -> None:
    text = MIDLANDS.read_text(encoding="utf-8")
    book = workspace.root / "playbooks" / "kept.yaml"
    book.write_text(
        text + "retention:\n  sensitive_text: 3 years\n  device_text_days: 7\n", "utf-8"
    )
    done = invoke("plan", book, "--time-limit", "5", "--workspace", workspace.root)
    assert done.returncode == 0, done.stderr
    for path in workspace.ops.glob("*/loadouts/*.json"):
        loadout = json.loads(path.read_text(encoding="utf-8"))
        assert loadout["retention"] == {"sensitive_text": "3 years", "device_text_days": 7}


def test_bad_review_periods_are_located_in_the_playbook(tmp_path: Path) -> None:
    text = MIDLANDS.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    book = tmp_path / "bad.yaml"
    book.write_text(
        text + "retention:\n  sensitive_text: soon\n  device_text_days: 99999\n  keep: 1\n",
        "utf-8",
    )
    done = fieldkit("playbook", "check", book)
    assert done.returncode == 2
    out = done.stdout + done.stderr
    assert f"bad.yaml:{lines + 2}:" in out and 'review period "soon"' in out
    assert f"bad.yaml:{lines + 3}:" in out and "99999 is not between 0 and 3650" in out
    assert f"bad.yaml:{lines + 4}:" in out and "keep" in out
    assert "Traceback" not in out


def test_the_schema_describes_retention() -> None:
    done = invoke("playbook", "schema")
    assert '"retention"' in done.stdout and '"no_concern_engagements"' in done.stdout
