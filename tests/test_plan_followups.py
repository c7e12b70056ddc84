"""`fieldkit plan PLAYBOOK --follow-ups-from OP`: a visit per venue with open follow-ups in OP
(read at central), each with its reason in plan.json, the summary and the briefing; a venue the
playbook does not hold is warned of and skipped; `plan check` rebuilds the same visits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.plan.revisits import Revisit, add_revisits
from fieldkit.playbook import load_playbook
from fieldkit.workspace import Workspace
from tests.support.access import audit
from tests.support.cli import fieldkit, invoke
from tests.support.followups import NOW_ENV, OP, WOMAN_NRM, referrals_workspace
from tests.support.paths import BARNET, PLAYBOOKS

REVISITED = ["carwash-edgware-road", "nails-burnt-oak", "popup-cricklewood"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = referrals_workspace(tmp_path_factory.mktemp("revisits"))
    # The woman referred at the pop-up has returned home: her follow-up is closed.
    for status in ("reasonable_grounds_positive", "returned_home_assisted"):
        args = ["--partner", "anitp"] if status == "returned_home_assisted" else []
        done = invoke("followups", "update", WOMAN_NRM, "--status", status, *args,
                      "--workspace", str(ws.root), env=NOW_ENV)  # fmt: skip
        assert done.returncode == 0, done.stderr
    return ws


def plan(ws: Workspace, playbook: Path, op: str, *more: str) -> tuple[dict[str, object], str]:
    done = fieldkit(
        "plan", playbook, "--op", op, "--follow-ups-from", OP, "--time-limit", "4", "--json",
        *more, cwd=ws.root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout), done.stderr


def test_a_visit_per_venue_to_revisit_with_its_reason(ws: Workspace) -> None:
    before = audit(ws)
    summary, _ = plan(ws, BARNET, "week2")
    [read] = audit(ws)[len(before) :]  # the follow-ups read at central, in its access log
    assert (read["what"], read["operation"], read["via"]) == ("followups", OP, "cli")
    revisits = summary["revisits"]
    assert isinstance(revisits, list)
    assert [r["venue"] for r in revisits] == REVISITED
    reasons = {r["venue"]: r["reason"] for r in revisits}
    assert reasons["carwash-edgware-road"] == (
        "follow-ups from barnet-2023: 1 person(s) referred there, follow-up open (referred); "
        "a follow-up visit asked for on 2023-09-27"
    )
    # The girl referred at the pop-up is still open; the shelter was visited again (closed).
    assert "1 person(s) referred there" in reasons["popup-cricklewood"]
    doc = json.loads((ws.ops / "week2" / "plan.json").read_text(encoding="utf-8"))
    added = [v for v in doc["visits"] if v["activity"].startswith("revisit-")]
    assert sorted(v["venue"] for v in added) == REVISITED
    brothel = next(v for v in added if v["venue"] == "popup-cricklewood")
    # Modelled on the brothel evenings: their window, skills and lead, one point higher.
    assert brothel["window_start"].endswith("18:00:00+01:00") and brothel["priority"] == 5
    assert brothel["lead"] == "female_officer"
    briefing = (ws.ops / "week2" / "briefing.md").read_text(encoding="utf-8")
    assert "## Revisits for open follow-ups" in briefing
    for reason in reasons.values():
        assert reason in briefing
    check = fieldkit("plan", "check", ws.ops / "week2" / "plan.json", cwd=ws.root)
    assert check.returncode == 0, check.stderr


def test_a_venue_not_in_the_playbook_is_warned_of_and_skipped(ws: Workspace) -> None:
    glaa = PLAYBOOKS / "glaa-labour-inspection.yaml"
    summary, err = plan(ws, glaa, "glaa-revisits")
    assert summary["revisits"] == []
    for venue in REVISITED:
        assert f"venue {venue!r} is not in this playbook's venues; its revisit is skipped" in err
    doc = json.loads((ws.ops / "glaa-revisits" / "plan.json").read_text(encoding="utf-8"))
    assert "revisits" not in doc


def test_an_unknown_operation_exits_2(ws: Workspace) -> None:
    args = ("plan", str(BARNET), "--follow-ups-from", "kent-2024", "--workspace", str(ws.root))
    done = invoke(*args)
    assert done.returncode == 2 and "no operation 'kent-2024'" in done.stderr


def test_a_venue_no_activity_visits_gets_a_day_window_and_one_visit_per_venue() -> None:
    book = load_playbook(BARNET)
    catalogue_only = "colindale-police"  # the reporting point: no activity visits it
    given, warnings = add_revisits(
        book,
        [Revisit(catalogue_only, "first"), Revisit(catalogue_only, "second"),
         Revisit("nowhere", "x")],
    )  # fmt: skip
    (added,) = [a for a in given.activities if a.id.startswith("revisit-")]
    assert added.venues == [catalogue_only] and added.instructions == "Revisit: first"
    (window,) = added.when
    assert window.dates == [book.operation.start] and f"{window.from_:%H:%M}" == "10:00"
    assert warnings == [
        "follow-ups: venue 'nowhere' is not in this playbook's venues; its revisit is skipped"
    ]
    assert len(book.activities) == len(given.activities) - 1  # the playbook itself unchanged
