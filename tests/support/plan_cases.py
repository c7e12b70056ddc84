"""A small playbook and ways to break its plan, for test_guards_plan_check's table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldkit.playbook.models import Playbook

WASH, POP, CHURCH = "wash.v1.2024-06-03", "pop.v2.2024-06-03", "church.v3.2024-06-03"
DAY = "2024-06-03T"


def playbook() -> Playbook:
    """Two teams of two, three visits on one day; the church visit needs a detective."""
    return Playbook.model_validate(
        {
            "operation": {
                "id": "op",
                "name": "Op",
                "start": "2024-06-03",
                "end": "2024-06-03",
                "area": {"name": "X", "centre": [51.6, -0.2]},
            },
            "partners": ["met_police", "anitp"],
            "roster": [
                {
                    "id": "pc-a",
                    "name": "PC A",
                    "agency": "met_police",
                    "skills": ["first_responder", "driver"],
                },
                {
                    "id": "pc-b",
                    "name": "PC B",
                    "agency": "met_police",
                    "skills": ["female_officer"],
                },
                {
                    "id": "pc-c",
                    "name": "PC C",
                    "agency": "met_police",
                    "skills": ["first_responder", "driver"],
                },
                {"id": "an-d", "name": "D", "agency": "anitp", "skills": ["romanian_speaker"]},
            ],
            "teams": [
                {"id": "alpha", "name": "Alpha", "members": ["pc-a", "pc-b"], "base": "base"},
                {"id": "bravo", "name": "Bravo", "members": ["pc-c", "an-d"], "base": "base"},
            ],
            "venues": [
                {"id": "base", "name": "Base", "type": "police_station", "location": [51.6, -0.2]},
                {"id": "v1", "name": "V1", "type": "car_wash", "location": [51.61, -0.2]},
                {"id": "v2", "name": "V2", "type": "brothel", "location": [51.59, -0.2]},
                {"id": "v3", "name": "V3", "type": "church", "location": [51.6, -0.21]},
            ],
            "activities": [
                {
                    "id": "wash",
                    "name": "Wash",
                    "venues": ["v1"],
                    "when": [{"from": "10:00", "to": "12:00"}],
                    "duration": 45,
                },
                {
                    "id": "pop",
                    "name": "Pop",
                    "venues": ["v2"],
                    "when": [{"from": "20:00", "to": "23:00"}],
                    "duration": 60,
                    "requires": {"skills": ["female_officer"]},
                },
                {
                    "id": "church",
                    "name": "Church",
                    "venues": ["v3"],
                    "when": [{"from": "11:00", "to": "13:00"}],
                    "duration": 30,
                    "requires": {"partners": ["anitp"], "skills": ["detective"]},
                },
            ],
            "rules": {"team": {"min_size": 2, "max_size": 2, "every_team_has": ["driver"]}},
        }
    )


def assignment(visit: str, team: str, start: str, end: str) -> dict[str, Any]:
    return {
        "visit": visit,
        "team": team,
        "start": DAY + start + ":00+01:00",
        "end": DAY + end + ":00+01:00",
        "travel_min": 3,
        "locked": False,
    }


Change = Callable[[dict[str, Any], Playbook], Playbook | None]


def team_rules(**update: Any) -> Change:
    def change(doc: dict[str, Any], book: Playbook) -> Playbook:
        team = book.rules.team.model_copy(update=update)
        return book.model_copy(update={"rules": book.rules.model_copy(update={"team": team})})

    return change


def visit(vid: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: next(v for v in doc["visits"] if v["id"] == vid)


def assigned(vid: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: next(a for a in doc["assignments"] if a["visit"] == vid)


def set_in(where: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Change:
    def change(doc: dict[str, Any], book: Playbook) -> None:
        where(doc).update(values)

    return change


def drop_key(where: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Change:
    def change(doc: dict[str, Any], book: Playbook) -> None:
        del where(doc)[key]

    return change


def edit(fn: Callable[[dict[str, Any]], object]) -> Change:
    def change(doc: dict[str, Any], book: Playbook) -> None:
        fn(doc)

    return change


def both(*changes: Change) -> Change:
    def change(doc: dict[str, Any], book: Playbook) -> Playbook:
        for one in changes:
            book = one(doc, book) or book
        return book

    return change
