"""The independent plan check, one rule at a time: each row breaks a good plan (or its playbook)
in one way and names the exact findings `check_plan` must return."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fieldkit.plan.check import check_plan
from fieldkit.plan.export_json import plan_dict
from fieldkit.plan.solve import solve
from fieldkit.playbook.models import Playbook
from tests.support.plan_cases import (
    CHURCH,
    DAY,
    POP,
    WASH,
    Change,
    assigned,
    assignment,
    both,
    drop_key,
    edit,
    playbook,
    set_in,
    team_rules,
    visit,
)


@pytest.fixture(scope="module")
def good() -> tuple[dict[str, Any], Playbook]:
    """A plan that keeps every rule, with its assignments fixed (not left to the solver)."""
    book = playbook()
    doc = plan_dict(solve(book, time_limit=5, seed=1), "op.yaml", "0" * 64)
    doc["assignments"] = [
        assignment(WASH, "bravo", "10:00", "10:45"),
        assignment(POP, "alpha", "20:00", "21:00"),
    ]
    doc["unassigned"] = [{"visit": CHURCH, "reasons": ["no team has Detective"]}]
    assert check_plan(doc, book) == []
    return doc, book


ISO = "(ISO 8601 with offset)"
ROWS: dict[str, tuple[Change, list[str]]] = {
    "the good plan": (edit(lambda doc: None), []),
    "another format": (
        edit(lambda doc: doc.update(format="fieldkit-plan/2")),
        ["format: expected fieldkit-plan/1, found 'fieldkit-plan/2'"],
    ),
    "no format": (
        edit(lambda doc: doc.pop("format")),
        ["format: expected fieldkit-plan/1, found None"],
    ),
    "unknown team": (
        edit(lambda doc: doc["teams"][0].update(id="zulu")),
        [
            "team: alpha is in the playbook but missing from the plan",
            "team: zulu is not a team of the playbook",
        ],
    ),
    "team without id": (
        edit(lambda doc: doc["teams"][0].pop("id")),
        [
            "team: alpha is in the playbook but missing from the plan",
            "team: None is not a team of the playbook",
        ],
    ),
    "a team missing": (
        edit(lambda doc: doc["teams"].pop(0)),
        ["team: alpha is in the playbook but missing from the plan"],
    ),
    "no teams": (
        edit(lambda doc: doc.pop("teams")),
        [
            "team: alpha is in the playbook but missing from the plan",
            "team: bravo is in the playbook but missing from the plan",
        ],
    ),
    "an unknown team before one whose members differ": (
        edit(
            lambda doc: (
                doc["teams"].insert(0, {**doc["teams"][0], "id": "zulu"}),
                doc["teams"][2]["members"].reverse(),
            )
        ),
        [
            "team: zulu is not a team of the playbook",
            "team: bravo's members in the plan (an-d, pc-c) differ from the playbook (pc-c, an-d)",
        ],
    ),
    "members left out": (
        edit(lambda doc: doc["teams"][0].pop("members")),
        ["team: alpha's members in the plan () differ from the playbook (pc-a, pc-b)"],
    ),
    "members differ": (
        edit(lambda doc: doc["teams"][0]["members"].reverse()),
        ["team: alpha's members in the plan (pc-b, pc-a) differ from the playbook (pc-a, pc-b)"],
    ),
    "a member missing": (
        edit(lambda doc: doc["teams"][1]["members"].pop()),
        ["team: bravo's members in the plan (pc-c) differ from the playbook (pc-c, an-d)"],
    ),
    "team smaller than min_size": (
        team_rules(min_size=3, max_size=None),
        [
            "team make-up: alpha has 2 members; min_size is 3",
            "team make-up: bravo has 2 members; min_size is 3",
        ],
    ),
    "team larger than max_size": (
        team_rules(min_size=1, max_size=1),
        [
            "team make-up: alpha has 2 members; max_size is 1",
            "team make-up: bravo has 2 members; max_size is 1",
        ],
    ),
    "no max_size": (team_rules(max_size=None), []),
    "every_team_has a skill one team lacks": (
        team_rules(every_team_has=["driver", "female_officer", "romanian_speaker"]),
        [
            "team make-up: alpha has no member with romanian_speaker (every_team_has)",
            "team make-up: bravo has no member with female_officer (every_team_has)",
        ],
    ),
    "visit missing": (
        edit(lambda doc: doc["visits"].pop(0)),
        [f"visits: {WASH} is asked for by the playbook but missing from the plan"],
    ),
    "visit extra": (
        edit(lambda doc: doc["visits"].append({**doc["visits"][0], "id": "ghost.v1.2024-06-03"})),
        ["visits: ghost.v1.2024-06-03 is in the plan but not asked for by the playbook"],
    ),
    "no visits": (
        edit(lambda doc: doc.pop("visits")),
        [
            f"visits: {v} is asked for by the playbook but missing from the plan"
            for v in sorted([WASH, POP, CHURCH])
        ],
    ),
    "visit extra, listed before one that differs": (
        edit(
            lambda doc: (
                doc["visits"].insert(0, {**doc["visits"][0], "id": "ghost.v1.2024-06-03"}),
                doc["visits"][-1].update(venue="v1"),
            )
        ),
        [
            "visits: ghost.v1.2024-06-03 is in the plan but not asked for by the playbook",
            f"visits: {CHURCH} venue is 'v1'; the playbook says 'v3'",
        ],
    ),
    "window_start differs": (
        set_in(visit(WASH), window_start=DAY + "09:00:00+01:00"),
        [
            f"visits: {WASH} window_start is '2024-06-03T09:00:00+01:00'; the playbook says "
            "'2024-06-03T10:00:00+01:00'"
        ],
    ),
    "window_end differs": (
        set_in(visit(WASH), window_end=DAY + "13:00:00+01:00"),
        [
            f"visits: {WASH} window_end is '2024-06-03T13:00:00+01:00'; the playbook says "
            "'2024-06-03T12:00:00+01:00'"
        ],
    ),
    "duration differs": (
        set_in(visit(WASH), duration_min=50),
        [f"visits: {WASH} duration_min is 50; the playbook says 45"],
    ),
    "skills differ": (
        set_in(visit(POP), skills=[]),
        [f"visits: {POP} skills is []; the playbook says ['female_officer']"],
    ),
    "partners differ": (
        set_in(visit(CHURCH), partners=["met_police"]),
        [f"visits: {CHURCH} partners is ['met_police']; the playbook says ['anitp']"],
    ),
    "venue differs": (
        set_in(visit(WASH), venue="v2"),
        [f"visits: {WASH} venue is 'v2'; the playbook says 'v1'"],
    ),
    "venue left out": (
        drop_key(visit(WASH), "venue"),
        [f"visits: {WASH} venue is None; the playbook says 'v1'"],
    ),
    "assigned twice": (
        edit(lambda doc: doc["assignments"].append(assignment(WASH, "bravo", "11:15", "12:00"))),
        [f"one team per visit: {WASH} is assigned 2 times"],
    ),
    "unknown visit": (
        edit(lambda doc: doc["assignments"].append(assignment("ghost", "alpha", "x", "y"))),
        ["assignments: unknown visit ghost"],
    ),
    "assigned to an unknown team": (
        set_in(assigned(WASH), team="zulu", start="x"),
        [f"assignments: {WASH} is given to unknown team zulu"],
    ),
    "start not a time": (
        set_in(assigned(WASH), start="ten o'clock"),
        [f"assignments: {WASH} has no valid start/end {ISO}"],
    ),
    "end not a time": (
        set_in(assigned(WASH), end="quarter to eleven"),
        [f"assignments: {WASH} has no valid start/end {ISO}"],
    ),
    "no start": (
        drop_key(assigned(WASH), "start"),
        [f"assignments: {WASH} has no valid start/end {ISO}"],
    ),
    "no end": (
        drop_key(assigned(WASH), "end"),
        [f"assignments: {WASH} has no valid start/end {ISO}"],
    ),
    "end not text": (
        set_in(assigned(WASH), end=None),
        [f"assignments: {WASH} has no valid start/end {ISO}"],
    ),
    "wrong duration": (
        set_in(assigned(WASH), end=DAY + "10:50:00+01:00"),
        [f"duration: {WASH} lasts 50 min; the activity takes 45 min"],
    ),
    "a team rule broken (skills)": (
        both(
            edit(
                lambda doc: doc["assignments"].append(assignment(CHURCH, "bravo", "11:00", "11:30"))
            ),
            edit(lambda doc: doc.update(unassigned=[])),
        ),
        ["skills: bravo has no detective for church.v3.2024-06-03"],
    ),
    "no assignments": (
        edit(lambda doc: doc.pop("assignments")),
        [
            f"unassigned: {WASH} is neither assigned nor listed as unassigned",
            f"unassigned: {POP} is neither assigned nor listed as unassigned",
        ],
    ),
    "no unassigned list": (
        edit(lambda doc: doc.pop("unassigned")),
        [f"unassigned: {CHURCH} is neither assigned nor listed as unassigned"],
    ),
    "an unknown visit, then a wrong duration": (
        both(
            edit(lambda doc: doc["assignments"].insert(0, assignment("ghost", "alpha", "x", "y"))),
            set_in(assigned(POP), end=DAY + "20:30:00+01:00"),
        ),
        [
            "assignments: unknown visit ghost",
            f"duration: {POP} lasts 30 min; the activity takes 60 min",
        ],
    ),
    "an unknown team, then a wrong duration": (
        both(
            set_in(assigned(WASH), team="zulu"),
            set_in(assigned(POP), end=DAY + "20:30:00+01:00"),
        ),
        [
            f"assignments: {WASH} is given to unknown team zulu",
            f"duration: {POP} lasts 30 min; the activity takes 60 min",
        ],
    ),
    "no valid start, then a wrong duration": (
        both(
            set_in(assigned(WASH), start="soon"),
            set_in(assigned(POP), end=DAY + "20:30:00+01:00"),
        ),
        [
            f"assignments: {WASH} has no valid start/end {ISO}",
            f"duration: {POP} lasts 30 min; the activity takes 60 min",
        ],
    ),
    "neither assigned nor unassigned": (
        edit(lambda doc: doc.update(unassigned=[])),
        [f"unassigned: {CHURCH} is neither assigned nor listed as unassigned"],
    ),
    "both assigned and unassigned": (
        edit(lambda doc: doc["unassigned"].append({"visit": WASH, "reasons": ["busy"]})),
        [f"unassigned: {WASH} is both assigned and listed as unassigned"],
    ),
    "unassigned without reasons": (
        edit(lambda doc: doc["unassigned"][0].update(reasons=[])),
        [f"unassigned: {CHURCH} has no reasons"],
    ),
    "unassigned, reasons left out": (
        edit(lambda doc: doc["unassigned"][0].pop("reasons")),
        [f"unassigned: {CHURCH} has no reasons"],
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_each_broken_rule_is_named_exactly(
    name: str, good: tuple[dict[str, Any], Playbook]
) -> None:
    change, expected = ROWS[name]
    doc, book = copy.deepcopy(good[0]), good[1]
    book = change(doc, book) or book
    assert check_plan(doc, book) == expected
