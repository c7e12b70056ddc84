"""Cross-reference checks of a playbook's operation order: leaders, places, risk codes, bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from fieldkit.codes import CodeBook, CodeList, did_you_mean
from fieldkit.errors import quote
from fieldkit.i18n import _
from fieldkit.playbook.codeuse import strings
from fieldkit.playbook.yamlread import Path_


class _Checker(Protocol):
    """What these checks need of the playbook checker: the raw data, the codes, the
    operation's dates, and a way to report."""

    data: dict[str, Any]
    book: CodeBook
    span: tuple[date, date] | None

    def add(self, path: Path_, message: str) -> None: ...

    def codes(self, value: Any, path: Path_, known: CodeList) -> bool: ...


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def check_order(checker: _Checker, venues: list[str]) -> None:
    """Every id and code the operation order names is known."""
    data = checker.data
    teams = {}
    for i, team in enumerate(_list(data.get("teams"))):
        if not isinstance(team, dict):
            continue
        if isinstance(team.get("id"), str):
            teams[team["id"]] = i
        _leader(checker, team, ("teams", i))
        for key in ("briefing", "debrief"):
            _meeting_place(checker, team.get(key), ("teams", i, key), venues)
    for key in ("briefing", "debrief"):
        _meeting_place(checker, data.get(key), (key,), venues)
    _risk(checker, _dict(data.get("risk")), venues)
    _bookings(checker, _dict(data.get("support")), list(teams))


def _leader(checker: _Checker, team: dict[str, Any], here: Path_) -> None:
    leader, members = team.get("leader"), [m for _, m in strings(team.get("members"))]
    if isinstance(leader, str) and members and leader not in members:
        hint = did_you_mean(leader, members)
        team_id = quote(str(team.get("id", "")))
        message = _("the leader {leader} is not a member of team {team}{hint}").format(
            leader=quote(leader), team=team_id, hint=hint
        )
        checker.add(here + ("leader",), message)


def _meeting_place(checker: _Checker, meeting: Any, here: Path_, venues: list[str]) -> None:
    venue = _dict(meeting).get("venue")
    if isinstance(venue, str) and venue not in venues:
        checker.add(
            here + ("venue",),
            _("no venue with id {id}{hint}").format(
                id=quote(venue), hint=did_you_mean(venue, venues)
            ),
        )


def _risk(checker: _Checker, risk: dict[str, Any], venues: list[str]) -> None:
    book = checker.book
    found: list[tuple[Path_, Any]] = [(("risk", "general"), risk.get("general"))]
    for code, assessment in _dict(risk.get("venue_types")).items():
        here: Path_ = ("risk", "venue_types", code)
        if isinstance(code, str) and code not in book.venue_types:
            checker.add(
                here,
                _("unknown venue type {code}{hint}").format(
                    code=quote(code), hint=did_you_mean(code, book.venue_types.ids)
                ),
            )
        found.append((here, assessment))
    for ident, assessment in _dict(risk.get("venues")).items():
        here = ("risk", "venues", ident)
        if isinstance(ident, str) and ident not in venues:
            message = _("no venue with id {id}{hint}")
            checker.add(here, message.format(id=quote(ident), hint=did_you_mean(ident, venues)))
        found.append((here, assessment))
    for here, assessment in found:
        planning = _dict(_dict(assessment).get("planning"))
        checker.codes(planning.get("lead"), here + ("planning", "lead"), book.skills)
        checker.codes(planning.get("skills"), here + ("planning", "skills"), book.skills)


def _bookings(checker: _Checker, support: dict[str, Any], teams: list[str]) -> None:
    for i, booking in enumerate(_list(support.get("interpreter_bookings"))):
        here: Path_ = ("support", "interpreter_bookings", i)
        team = _dict(booking).get("team")
        if isinstance(team, str) and team not in teams:
            checker.add(
                here + ("team",),
                _("no team with id {id}{hint}").format(
                    id=quote(team), hint=did_you_mean(team, teams)
                ),
            )
        day = _dict(booking).get("date")
        if isinstance(day, date) and not isinstance(day, datetime) and checker.span is not None:
            first, last = checker.span
            if not first <= day <= last:
                message = _("{day} is outside the operation ({first} to {last})").format(
                    day=day, first=first, last=last
                )
                checker.add(here + ("date",), message)
