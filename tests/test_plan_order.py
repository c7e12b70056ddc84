"""The operation order as planning rules: fixed briefings and debriefs, risk assessments that
ask for a team size or a lead; and what the loadout carries of the order."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from fieldkit.plan.loadouts import loadout_dict
from fieldkit.plan.locks import Lock, LockError
from fieldkit.plan.records import Plan
from fieldkit.plan.solve import solve
from fieldkit.plan.visits import Clock
from fieldkit.playbook import load_text
from fieldkit.playbook.models import Playbook
from tests.support.paths import PLAYBOOKS
from tests.support.playbooks import small_barnet


def _churches_only(**changes: Any) -> Playbook:
    """Barnet with only the Sunday church visits (12:00-17:00), quick to solve."""
    data = small_barnet(
        drop=("labour-checks", "luton-flights", "shelter-visits", "brothel-evenings")
    )
    data.update(changes)
    return load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "test.yaml")


def _solve(book: Playbook, **kw: Any) -> Plan:
    return solve(book, time_limit=5, work_limit=1.0, seed=1, **kw)


def test_no_visit_is_planned_over_a_daily_briefing_or_debrief() -> None:
    book = _churches_only(
        briefing={"at": "12:30", "minutes": 60, "venue": "colindale-police"},
        debrief={"at": "15:00", "minutes": 90},
    )
    plan = _solve(book)
    clock = Clock(book)
    sunday = book.operation.start
    blocked = [(clock.at(sunday, t), clock.at(sunday, t) + m) for t, m in (
        (book.briefing.at, 60), (book.debrief.at, 90))]  # type: ignore[union-attr]  # fmt: skip
    assert plan.assignments, "the churches still fit around the meetings"
    for a in plan.assignments:
        for start, end in blocked:
            assert a.end <= start or end <= a.start, (a, start, end)


def test_a_lock_over_the_briefing_names_it() -> None:
    book = _churches_only(briefing={"at": "12:30", "minutes": 60})
    visit = f"church-sermons.church-hendon.{book.operation.start:%Y-%m-%d}"
    with pytest.raises(LockError) as caught:
        _solve(book, locks=[Lock(visit, "delta", "12:00")])
    assert "daily briefing or debrief 12:30-13:30" in str(caught.value)


def test_a_risk_assessment_asking_for_a_larger_team_keeps_smaller_teams_away() -> None:
    risk = {"venue_types": {"church": {"planning": {"min_team_size": 4}}}}
    plan = _solve(_churches_only(risk=risk))
    assert plan.assignments == []
    for reasons in plan.unassigned.values():
        assert any("a team of at least 4 (risk assessment)" in r for r in reasons), reasons


def test_a_venue_risk_assessment_makes_its_lead_a_rule() -> None:
    risk = {"venues": {"church-edgware": {"planning": {"lead": "female_officer"}}}}
    book = _churches_only(risk=risk)
    plan = _solve(book)
    for visit in plan.visits:
        wants = visit.venue == "church-edgware"
        assert (visit.lead == "female_officer") is wants
        assert ("female_officer" in visit.skills) is wants
    for a in plan.assignments:
        if plan.visit(a.visit).venue == "church-edgware":
            members = [book.person(m) for m in book.team(a.team).members]
            assert any("female_officer" in p.skills for p in members)


def test_the_loadout_carries_leader_radio_meetings_and_risk_controls() -> None:
    book = _churches_only()
    plan = _solve(book)
    team = next(a.team for a in plan.assignments)
    doc = loadout_dict(plan, team, "0" * 64)
    leader = book.person(book.team(team).leader or "")
    assert doc["team"]["leader"] == {
        "id": leader.id,
        "name": leader.name,
        "contact": leader.contact,
    }
    assert doc["team"]["radio"] == book.team(team).radio
    assert doc["marking"] == "OFFICIAL-SENSITIVE"
    assert doc["communications"]["talk_group"] == "Barnet BX Ops (MetRadio)"
    kinds = [m["kind"] for m in doc["meetings"]]
    assert kinds == ["briefing", "debrief"] * len(book.operation.days)
    first = doc["meetings"][0]
    assert first["start"] == "2023-09-24T06:30:00+01:00"
    assert first["end"] == "2023-09-24T07:00:00+01:00"
    assert first["place"] == "Colindale Police Station (reporting point)"
    assert first["room"] == "Briefing room 2"
    for a in doc["assignments"]:
        assert a["risk"] is None or a["risk"]["controls"]


def test_the_loadout_gives_a_brothel_visit_its_risk_controls() -> None:
    data = small_barnet(drop=("labour-checks", "luton-flights", "shelter-visits", "church-sermons"))
    book = load_text(yaml.safe_dump(data, allow_unicode=True), "test.yaml")
    plan = _solve(book)
    team = next(a.team for a in plan.assignments if "cricklewood" in a.visit)
    doc = loadout_dict(plan, team, "0" * 64)
    visit = next(a for a in doc["assignments"] if a["venue"] == "popup-cricklewood")
    risk = visit["risk"]
    assert risk["level"] == "high" and risk["min_team_size"] == 3
    assert risk["lead"] == "female_officer"
    assert "Do not accept drinks or food" in risk["controls"]
    assert "A marked car waits outside for the whole visit" in risk["controls"]


def test_the_guides_operation_order_example_is_valid_in_the_barnet_playbook() -> None:
    guide = (PLAYBOOKS / "README.md").read_text(encoding="utf-8")
    section = guide[guide.index("## The operation order") :]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    assert {"marking", "intent", "command", "briefing", "risk", "communications"} <= set(example)
    for key in ("marking", "intent", "command", "briefing", "debrief", "risk",
                "communications", "support", "humanitarian"):  # fmt: skip
        assert f"`{key}`" in section, key
    data = {**small_barnet(), **example}
    book = load_text(yaml.safe_dump(data, allow_unicode=True), "guide example")
    assert book.venue_risk("popup-cricklewood").planning.min_team_size == 3  # type: ignore[union-attr]
