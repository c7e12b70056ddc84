"""Locks, unmet visits with reasons, and determinism, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import fieldkit
from tests.support.playbooks import small_barnet, write_playbook


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws, _ = init_workspace(tmp_path / "ws")
    write_playbook(ws.root, "small", small_barnet())
    return ws


def plan(ws: Workspace, *args: str) -> dict[str, Any]:
    result = fieldkit(
        "plan", "playbooks/small.yaml", "--time-limit", "5", "--seed", "7", *args, cwd=ws.root
    )
    assert result.returncode == 0, result.stderr
    op = args[args.index("--op") + 1] if "--op" in args else "barnet-2023"
    doc: dict[str, Any] = json.loads((ws.ops / op / "plan.json").read_text())
    return doc


def check(ws: Workspace, op: str = "barnet-2023") -> None:
    result = fieldkit("plan", "check", f"ops/{op}/plan.json", cwd=ws.root)
    assert result.returncode == 0, result.stderr


def test_same_seed_same_plan(ws: Workspace) -> None:
    first = plan(ws)["assignments"]
    second = plan(ws)["assignments"]
    assert first == second
    check(ws)


def test_lock_is_kept_and_rest_resolved(ws: Workspace) -> None:
    doc = plan(ws)
    church = next(a for a in doc["assignments"] if a["visit"].startswith("church-sermons"))
    other = next(t for t in ("alpha", "bravo", "charlie", "delta") if t != church["team"])
    locks = ws.root / "locks.yaml"
    locks.write_text(f"- {{visit: {church['visit']}, team: {other}, start: '16:00'}}\n")
    doc = plan(ws, "--lock", str(locks))
    kept = next(a for a in doc["assignments"] if a["visit"] == church["visit"])
    assert kept["team"] == other and kept["locked"] is True
    assert kept["start"].startswith("2023-09-24T16:00")
    assert sum(a["locked"] for a in doc["assignments"]) == 1
    check(ws)


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        (
            {"visit": "no-such-visit", "team": "alpha", "start": "10:00"},
            "unknown visit no-such-visit",
        ),
        (
            {
                "visit": "luton-flights.luton-arrivals.2023-09-25",
                "team": "charlie",
                "start": "07:00",
            },
            "partners: charlie has no member of anitp",
        ),
        (
            {"visit": "luton-flights.luton-arrivals.2023-09-25", "team": "alpha", "start": "10:00"},
            "window:",
        ),
        (
            {
                "visit": "church-sermons.church-hendon.2023-09-24",
                "team": "nobody",
                "start": "12:00",
            },
            "unknown team nobody",
        ),
    ],
)
def test_bad_lock_exits_2_naming_the_rule(
    ws: Workspace, lock: dict[str, str], message: str
) -> None:
    locks = ws.root / "locks.json"
    locks.write_text(json.dumps([lock]))
    result = fieldkit("plan", "playbooks/small.yaml", "--lock", str(locks), cwd=ws.root)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_overlapping_locks_exit_2(ws: Workspace) -> None:
    locks = ws.root / "locks.json"
    locks.write_text(
        json.dumps(
            [
                {
                    "visit": "church-sermons.church-hendon.2023-09-24",
                    "team": "delta",
                    "start": "12:00",
                },
                {
                    "visit": "church-sermons.church-edgware.2023-09-24",
                    "team": "delta",
                    "start": "12:30",
                },
            ]
        )
    )
    result = fieldkit("plan", "playbooks/small.yaml", "--lock", str(locks), cwd=ws.root)
    assert result.returncode == 2 and "overlap:" in result.stderr


def test_infeasible_activity_still_yields_plan_with_reasons(ws: Workspace) -> None:
    data = small_barnet()
    data["activities"].append(
        {
            "id": "interpreted",
            "name": "Interpreted outreach",
            "venues": ["shelter-hendon"],
            "when": [{"days": ["mon"], "from": "10:00", "to": "12:00"}],
            "duration": 60,
            "requires": {"skills": ["interpreter"]},
        }
    )
    data["activities"].append(
        {
            "id": "saturday-night",
            "name": "Saturday night with Justice and Care",
            "venues": ["shelter-finchley"],
            "when": [{"days": ["sat"], "from": "20:00", "to": "22:00"}],
            "duration": 60,
            "requires": {"partners": ["justice_and_care"], "skills": ["detective"]},
        }
    )
    write_playbook(ws.root, "small", data)
    doc = plan(ws, "--op", "infeasible")
    reasons = {u["visit"]: u["reasons"] for u in doc["unassigned"]}
    assert reasons["interpreted.shelter-hendon.2023-09-25"] == [
        "no team has Interpreter (closest: alpha, which lacks interpreter)"
    ]
    assert reasons["saturday-night.shelter-finchley.2023-09-30"][0].startswith(
        "no qualified team (charlie) is available Sat 30 Sep 20:00-22:00"
    )
    check(ws, "infeasible")


def test_options_before_playbook_and_json_summary(ws: Workspace) -> None:
    result = fieldkit(
        "plan", "--time-limit", "3", "--op", "other", "--json", "playbooks/small.yaml", cwd=ws.root
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["folder"] == "ops/other" and summary["visits"] == 22
    assert summary["assigned"] + len(summary["unassigned"]) == summary["visits"]
    assert "plan.json" in summary["files"] and "teams/alpha.ics" in summary["files"]
    check(ws, "other")
