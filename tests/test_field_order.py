"""The operation order a device reads from its loadout: whatever the loadout holds, the
device shows what is well formed and leaves the rest out, never failing."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.field.loadout import Loadout, parse_loadout, read_loadout
from fieldkit.field.order import TEXT_MAX, meetings_on, order_line, risk_lines, visit_risk
from fieldkit.field.sample import write_sample_loadouts
from tests.support.paths import BARNET

DAY = date(2023, 9, 25)
_CACHE: dict[str, Loadout] = {}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def alpha() -> Loadout:
    if "alpha" not in _CACHE:
        op = write_sample_loadouts(BARNET, Path(tempfile.mkdtemp()))
        _CACHE["alpha"] = read_loadout(op / "loadouts" / "alpha.json")
    return _CACHE["alpha"]


def with_data(**changes: Any) -> Loadout:
    base = alpha()
    data = json.loads(json.dumps(base.data))
    for key, value in changes.items():
        if key == "team":
            data["team"].update(value)
        elif key == "risk":
            data["assignments"][0]["risk"] = value
        else:
            data[key] = value
    return parse_loadout(data)


def meeting(kind: str, start: str) -> dict[str, str]:
    return {"kind": kind, "start": f"{start}:00+01:00", "end": f"{start[:11]}23:59:00+01:00"}


def test_a_days_meetings_in_time_order_and_only_that_day() -> None:
    loadout = with_data(
        meetings=[meeting("debrief", "2023-09-25T23:00"), meeting("briefing", "2023-09-25T06:30"),
                  meeting("briefing", "2023-09-26T06:30")],
        team={"leader": {"name": "PS Claire Hughes"}, "radio": "Ch 2", "call_sign": "BX-ALPHA"},
    )  # fmt: skip
    assert [(m.kind, f"{m.start:%H:%M}") for m in meetings_on(loadout, DAY)] == [
        ("briefing", "06:30"),
        ("debrief", "23:00"),
    ]
    assert order_line(loadout, DAY) == (
        "Leader PS Claire Hughes · Radio Ch 2 (BX-ALPHA) · Briefing 06:30 · Debrief 23:00"
    )


def test_no_order_in_the_plan_says_so() -> None:
    loadout = with_data(team={"call_sign": None}, meetings=[])
    assert order_line(loadout, DAY) == "No leader, radio or briefing in the plan"


def test_a_visits_risk_as_lines() -> None:
    visit = alpha().data["assignments"][0]["visit"]
    risk = {"level": "high", "hazards": ["Dogs"], "controls": ["Two officers"], "min_team_size": 3,
            "lead": "female_officer"}  # fmt: skip
    lines = risk_lines(visit_risk(with_data(risk=risk), visit))
    assert lines == [
        "Risk high (at least 3 officers; lead: female officer)",
        "  control: Two officers",
        "  hazard: Dogs",
    ]
    assert risk_lines(visit_risk(with_data(risk=None), visit)) == [
        "Risk: no assessment for this visit in the plan"
    ]


@settings(max_examples=200, deadline=None)
@given(team=json_values, meetings=json_values, risk=json_values)
def test_whatever_the_loadout_holds_the_order_reads_without_failing(
    team: Any, meetings: Any, risk: Any
) -> None:
    changes: dict[str, Any] = {"meetings": meetings, "risk": risk}
    if isinstance(team, dict):
        changes["team"] = team
    loadout = with_data(**changes)
    visit = loadout.data["assignments"][0]["visit"]
    line = order_line(loadout, DAY)
    lines = risk_lines(visit_risk(loadout, visit))
    for text in [line, *lines]:
        assert text.isprintable() and "\n" not in text
    assert all(len(text) <= 4 * TEXT_MAX + 40 for text in lines)
