"""The report counts people met one to one: a hand count on a tiny operation of format-1 and
format-2 records together (tests/support/people_operation.py has the table)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.followups import person_id
from fieldkit.codes import load_codes
from fieldkit.maps import analyse
from fieldkit.maps.followups import FollowUp, status_label
from fieldkit.maps.people import persons_summary
from fieldkit.maps.report import build_summary
from fieldkit.maps.report_html import render_report
from fieldkit.maps.source import OperationData, load_operation, operation_from
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.hostile_pages import payload
from tests.support.people_operation import NOTE, OP, REF, make_workspace, record_id

REFERRED_LABEL = status_label(load_codes(), "referred").en


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("people") / "ws")


@pytest.fixture(scope="module")
def data(ws: Workspace) -> OperationData:
    return load_operation(ws, OP)


@pytest.fixture(scope="module")
def summary(data: OperationData) -> dict[str, Any]:
    return build_summary(data, analyse(data.map_input))


def _by(rows: list[dict[str, Any]], key: str = "people") -> dict[str, int]:
    return {r["code"]: r[key] for r in rows}


def test_people_counts_match_the_hand_count(summary: dict[str, Any]) -> None:
    p = summary["persons"]
    assert (p["total"], p["with_signs"]) == (6, 4)
    assert (p["engagements_with_persons"], p["engagements_before_persons"]) == (3, 2)
    assert (p["children"]["total"], p["children"]["with_signs"]) == (2, 1)
    assert _by(p["children"]["by_route"]) == {"nrm": 1, "none": 1}
    assert _by(p["by_route"]) == {"nrm": 2, "none": 2, "duty_to_notify": 1, "partner_support": 1}
    assert _by(p["by_route"], "with_signs") == {
        "nrm": 2, "none": 0, "duty_to_notify": 1, "partner_support": 1,
    }  # fmt: skip
    assert _by(p["by_consent"]) == {"not_asked": 3, "yes": 2, "no": 1}
    assert p["referrals"] == 4
    agencies = {r["code"]: r for r in p["referrals_by_agency"]}
    assert {k: r["people"] for k, r in agencies.items()} == {"met_police": 3, "anitp": 1}
    assert agencies["met_police"]["by_route"] == {"duty_to_notify": 1, "nrm": 2}
    assert agencies["anitp"]["label"].startswith("ANITP")
    assert p["follow_ups"] == {
        "recorded": 0,
        "by_status": [{"code": "referred", "label": REFERRED_LABEL, "people": 4}],
    }


def test_sign_rates_per_venue_match_the_hand_count(summary: dict[str, Any]) -> None:
    venues = {r["venue"]: r for r in summary["per_venue"]}
    car, church = venues["carwash"], venues["church"]
    assert (car["engagements"], car["with_signs"], car["sign_rate"]) == (3, 2, 0.6667)
    assert (car["people"], car["people_with_signs"], car["people_sign_rate"]) == (3, 2, 0.6667)
    assert (church["engagements"], church["with_signs"], church["sign_rate"]) == (3, 1, 0.3333)
    assert (church["people"], church["people_with_signs"]) == (3, 2)
    assert car["name"] == "Hand car wash"
    # engagements 1 (the group's sign), 3 and 4 (persons' signs)
    assert (summary["totals"]["with_signs"], summary["totals"]["with_indicators"]) == (3, 1)


def test_follow_ups_from_central_replace_referred(ws: Workspace) -> None:
    """The seam: the current statuses central gives are counted; the rest stay `referred`."""
    events = [
        FollowUp(record_id(3), 1, "reasonable_grounds_positive"),
        # record 4 is amended by 7: a person keeps the original record's id
        FollowUp(record_id(4), 2, "returned_home_assisted", "anitp"),
        FollowUp(record_id(99), 1, "support_declined"),  # not a person of this operation
    ]
    plan = json.loads((ws.ops / OP / "plan.json").read_text("utf-8"))
    data = operation_from(plan, ws.sync / "central.db", follow_ups=lambda _db, _ops: events)
    counts = persons_summary(data, load_codes())["follow_ups"]
    assert counts["recorded"] == 3
    assert _by(counts["by_status"]) == {
        "referred": 2, "reasonable_grounds_positive": 1, "returned_home_assisted": 1,
    }  # fmt: skip


def test_report_shows_people_children_first_and_no_text(summary: dict[str, Any]) -> None:
    html = render_report(summary)
    text = json.dumps(summary)
    for secret in (NOTE, REF, "PC One", "Ioana"):
        assert secret not in html and secret not in text
    people = html.index("People met one to one")
    assert html.index("Children") < html.index("By route", people)
    assert "2 children (under 18) met one to one, 1 with signs of exploitation" in html
    assert "2 engagements recorded before persons were kept" in html
    assert "Referrals by the referring agency" in html and "Metropolitan Police" in html
    assert REFERRED_LABEL in html
    assert "67%" in html  # the car wash's sign rate, not only its counts


def test_every_text_of_the_people_and_venue_sections_is_escaped(summary: dict[str, Any]) -> None:
    """Names and labels that reached the summary (a plan's venue, a code list's label) land
    in report.html as text: no tag of theirs survives."""
    s = json.loads(json.dumps(summary))
    p = s["persons"]
    p["by_route"][0]["label"] = payload("route.label")
    p["children"]["by_route"][0]["label"] = payload("child.route")
    p["by_consent"][0]["label"] = payload("consent.label")
    p["referrals_by_agency"][0]["label"] = payload("agency.label")
    p["referrals_by_agency"][0]["by_route"] = {payload("agency.route"): 1}
    p["follow_ups"]["by_status"][0]["label"] = payload("status.label")
    s["per_venue"][0]["name"] = payload("venue.name")
    s["hot_cells"] = [
        {"cell": payload("cell"), "lat": 51.5, "lon": -0.2, "count": 1, "engagements": 1,
         "venues": [{"id": "v", "name": payload("hot.venue"), "inside": False,
                     "distance_m": 40}],
         "z": 3.1, "p": 0.001, "q": None, "class": "hot_99", "meaning": payload("meaning")},
    ]  # fmt: skip
    html = render_report(s)
    for tag in ("route.label", "child.route", "consent.label", "agency.label", "agency.route",
                "status.label", "venue.name", "cell", "hot.venue", "meaning"):  # fmt: skip
        assert f"{tag} &#34;&#39;&gt;&lt;/title&gt;" in html or f"{tag} &quot;" in html, tag
        name = re.sub(r"\W", "_", tag)
        assert f'id="fk-x-{name}"' not in html and f'id="fk-s-{name}"' not in html, tag


def test_statuses_entered_at_central_are_counted_in_report_and_share(tmp_path: Path) -> None:
    """No seam left open: `fieldkit followups update` at central reaches the people counts and
    the partner share's returns home (with ANITP's help) through the real central store."""
    ws = make_workspace(tmp_path / "ws")
    person = person_id(record_id(4), 2)  # P5, referred to partner support by ANITP
    for status in ("support_accepted", "returned_home_assisted"):
        extra = ("--partner", "anitp") if status == "returned_home_assisted" else ()
        done = invoke(
            "followups", "update", person, "--status", status, *extra,
            "--workspace", str(ws.root),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    data = load_operation(ws, OP)
    assert data.follow_ups == (FollowUp(record_id(4), 2, "returned_home_assisted", "anitp"),)
    counts = persons_summary(data, load_codes())["follow_ups"]
    assert _by(counts["by_status"]) == {"referred": 3, "returned_home_assisted": 1}
