"""Log mode shows the operation order where the officer needs it: the team leader, the radio
and the day's briefing and debrief in its header; the selected visit's risk controls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.workspace import Workspace
from tests.support.log_form import log_app, to_log
from tests.support.paths import BARNET
from tests.support.tui import SIZE, visible_text

LUTON = "luton-flights-mon-0-luton-arrivals"
ORDER: dict[str, Any] = {
    "leader": {"id": "pc-hughes", "name": "PS Claire Hughes", "contact": "07700 900101"},
    "radio": "MetRadio channel BX-2",
}
MEETINGS = [
    {"kind": "debrief", "day": "2023-09-25", "start": "2023-09-25T23:00:00+01:00",
     "end": "2023-09-25T23:30:00+01:00", "venue": "colindale-police", "place": "Colindale"},
    {"kind": "briefing", "day": "2023-09-25", "start": "2023-09-25T06:30:00+01:00",
     "end": "2023-09-25T07:00:00+01:00", "venue": "colindale-police", "place": "Colindale"},
    {"kind": "briefing", "day": "2023-09-26", "start": "2023-09-26T08:15:00+01:00",
     "end": "2023-09-26T08:45:00+01:00", "venue": "colindale-police", "place": "Colindale"},
]  # fmt: skip
RISK = {
    "level": "medium",
    "hazards": ["Being seen speaking to arrivals by those who meet them"],
    "controls": ["Border Force escort airside", "Do not accept drinks"],
    "min_team_size": 2,
    "lead": "female_officer",
}


def enrolled_with(ws: Workspace, tmp_path: Path, **changes: Any) -> Workspace:
    """Team alpha's device enrolled from a loadout carrying the operation order `changes`:
    team fields, `meetings`, and a risk assessment per visit id (`risk`)."""
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    path = op / "loadouts" / "alpha.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["team"].update(changes.get("team", {}))
    data["meetings"] = changes.get("meetings", [])
    for entry in data["assignments"]:
        entry["risk"] = changes.get("risk", {}).get(entry["visit"])
    path.write_text(json.dumps(data), encoding="utf-8")
    enroll(path, ws.root, device_id="alpha-0001")
    return ws


async def test_the_header_shows_leader_radio_and_the_days_briefing_and_debrief(
    ws: Workspace, tmp_path: Path
) -> None:
    app = log_app(enrolled_with(ws, tmp_path, team=ORDER, meetings=MEETINGS))
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_log(pilot)
        text = visible_text(app)
        line = str(screen.query_one("#order", Static).render())
    assert line == (
        "Leader PS Claire Hughes · Radio MetRadio channel BX-2 (BX-ALPHA) · Briefing 06:30 · "
        "Debrief 23:00"
    )
    assert "Radio MetRadio channel BX-2" in text and "Debrief 23:00" in text  # on screen, whole
    assert "08:15" not in text  # the next day's briefing is not today's


async def test_the_selected_visits_risk_controls_are_shown(ws: Workspace, tmp_path: Path) -> None:
    app = log_app(enrolled_with(ws, tmp_path, risk={LUTON: RISK}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_log(pilot)
        table = screen.query_one("#assignments", DataTable)
        assert "no assessment for this visit" in visible_text(app)  # the shelter, under way
        table.move_cursor(row=0)  # Luton, earlier today
        await pilot.pause()
        text = visible_text(app)
    assert "Risk medium (at least 2 officers; lead: female officer)" in text
    assert "control: Border Force escort airside" in text
    assert "control: Do not accept drinks" in text


@pytest.mark.parametrize(
    "team, meetings, risk",
    [
        ({"leader": "not an object", "radio": 7}, "not a list", "not an object"),
        ({"leader": {"name": ["x"]}, "radio": None}, [{"kind": "briefing", "start": "noon"}], {}),
        ({"radio": "[b]Ch 1[/b]\n\x1b[31m"}, [{"kind": "party"}], {"controls": "one"}),
    ],
)
async def test_a_malformed_order_in_the_loadout_is_left_out(
    ws: Workspace, tmp_path: Path, team: Any, meetings: Any, risk: Any
) -> None:
    app = log_app(enrolled_with(ws, tmp_path, team=team, meetings=meetings, risk={LUTON: risk}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_log(pilot)
        screen.query_one("#assignments", DataTable).move_cursor(row=0)
        await pilot.pause()
        text = visible_text(app)
    assert "Today's visits" in text and "Traceback" not in text
    assert "Briefing" not in text and "control:" not in text
    if isinstance(team.get("radio"), str):
        assert "Radio [b]Ch 1[/b] [31m (BX-ALPHA)" in text  # as written, never markup
