"""`fieldkit plan` on the Barnet playbook through the entry point: files, check, tampering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import fieldkit


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws, _ = init_workspace(tmp_path_factory.mktemp("plan") / "ws")
    result = fieldkit(
        "plan",
        "playbooks/barnet-week-of-action.yaml",
        "--time-limit",
        "5",
        "--seed",
        "3",
        "--json",
        cwd=ws.root,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["format"] == "fieldkit-plan-summary/1"
    assert summary["folder"] == "ops/barnet-2023"
    return ws


def plan_doc(ws: Workspace) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ws.ops / "barnet-2023" / "plan.json").read_text())
    return doc


def test_every_file_is_written(planned: Workspace) -> None:
    folder = planned.ops / "barnet-2023"
    for name in ("plan.json", "briefing.md", "briefing.html", "briefing.pdf"):
        assert (folder / name).stat().st_size > 0
    for team in ("alpha", "bravo", "charlie", "delta"):
        assert (folder / "teams" / f"{team}.ics").is_file()
        loadout = json.loads((folder / "loadouts" / f"{team}.json").read_text())
        assert loadout["format"] == "fieldkit-loadout/1"
        assert loadout["team"]["id"] == team
        assert loadout["codes"]["indicators"]
        starts = [a["start"] for a in loadout["assignments"]]
        assert starts == sorted(starts)
    assert not list(folder.rglob(".*.json.*")), "temporary files left behind"


def test_plan_json_contract(planned: Workspace) -> None:
    doc = plan_doc(planned)
    assert doc["format"] == "fieldkit-plan/1"
    assert doc["playbook"]["path"] == "playbooks/barnet-week-of-action.yaml"
    assert doc["solver"]["status"] in ("OPTIMAL", "FEASIBLE")
    assigned = {a["visit"] for a in doc["assignments"]}
    assert assigned | {u["visit"] for u in doc["unassigned"]} == {v["id"] for v in doc["visits"]}
    assert doc["assignments"][0]["start"].endswith("+01:00")  # BST in September


def test_briefing_shows_rules_and_both_languages(planned: Workspace) -> None:
    text = (planned.ops / "barnet-2023" / "briefing.md").read_text()
    assert "Female officer leads" in text
    assert "Romanian speaker present" in text
    assert "ANITP (Romania's National Agency against Trafficking in Persons) present" in text
    assert "08000 121 700" in text and "Semn (română)" in text
    html = (planned.ops / "barnet-2023" / "briefing.html").read_text()
    assert html.startswith("<!doctype html>") and "Reporting location" in html


def test_ics_parses_with_geo(planned: Workspace) -> None:
    doc = plan_doc(planned)
    venues = {v["id"]: v for v in doc["venues"]}
    for team in ("alpha", "bravo", "charlie", "delta"):
        cal = Calendar.from_ical(
            (planned.ops / "barnet-2023" / "teams" / f"{team}.ics").read_bytes()
        )
        events = list(cal.walk("VEVENT"))
        mine = [a for a in doc["assignments"] if a["team"] == team]
        assert len(events) == len(mine)
        for event in events:
            assert event.get("LOCATION")
            geo = event.get("GEO")
            assert any(
                abs(geo.latitude - v["lat"]) < 1e-6 and abs(geo.longitude - v["lon"]) < 1e-6
                for v in venues.values()
            )


def test_check_passes(planned: Workspace) -> None:
    result = fieldkit("plan", "check", "ops/barnet-2023/plan.json", cwd=planned.root)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def tampered(planned: Workspace, tmp_path: Path, change: Any) -> tuple[Path, Workspace]:
    ws, _ = init_workspace(tmp_path / "ws2")
    shutil.copytree(planned.ops / "barnet-2023", ws.ops / "barnet-2023")
    doc = plan_doc(ws)
    change(doc)
    (ws.ops / "barnet-2023" / "plan.json").write_text(json.dumps(doc))
    return ws.ops / "barnet-2023" / "plan.json", ws


def test_check_names_two_places_at_once(planned: Workspace, tmp_path: Path) -> None:
    def overlap(doc: dict[str, Any]) -> None:
        first, *rest = [
            a
            for a in doc["assignments"]
            if a["visit"].startswith("brothel-evenings") and "2023-09-26" in a["visit"]
        ]
        other = rest[0]
        other["team"], other["start"] = first["team"], first["start"]
        other["end"] = first["end"]

    path, ws = tampered(planned, tmp_path, overlap)
    result = fieldkit("plan", "check", str(path), cwd=ws.root)
    assert result.returncode == 2
    assert "overlap:" in result.stderr and "Traceback" not in result.stderr


def test_check_names_missing_partner(planned: Workspace, tmp_path: Path) -> None:
    def to_charlie(doc: dict[str, Any]) -> None:
        luton = next(a for a in doc["assignments"] if a["visit"].startswith("luton-flights"))
        luton["team"] = "charlie"

    path, ws = tampered(planned, tmp_path, to_charlie)
    result = fieldkit("plan", "check", str(path), cwd=ws.root)
    assert result.returncode == 2
    assert "partners: charlie has no member of anitp" in result.stderr


def test_check_warns_when_playbook_changed(planned: Workspace, tmp_path: Path) -> None:
    path, ws = tampered(planned, tmp_path, lambda doc: None)
    book = ws.playbooks / "barnet-week-of-action.yaml"
    book.write_text(book.read_text() + "\n# edited\n")
    result = fieldkit("plan", "check", str(path), cwd=ws.root)
    assert result.returncode == 0
    assert "has changed since this plan was made" in result.stderr


def test_plan_help_and_bad_playbook(tmp_path: Path) -> None:
    ws, _ = init_workspace(tmp_path / "ws")
    assert fieldkit("plan", "--help", cwd=ws.root).returncode == 0
    result = fieldkit("plan", "playbooks/nope.yaml", cwd=ws.root)
    assert result.returncode == 2 and "no such playbook" in result.stderr
    result = fieldkit("plan", "check", "ops/nope/plan.json", cwd=ws.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # Usage errors name the command as typed, not its internal name.
    result = fieldkit("plan", "playbooks/barnet-week-of-action.yaml", "--seed", "x", cwd=ws.root)
    assert result.returncode == 2
    assert "Usage: fieldkit plan PLAYBOOK" in result.stderr
    assert "Try 'fieldkit plan --help'" in result.stderr
    assert "run-playbook" not in result.stderr
