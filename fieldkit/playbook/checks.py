"""Cross-reference and code checks of a playbook, on the raw document so every problem is found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from fieldkit.codes import CodeBook, CodeList, did_you_mean
from fieldkit.errors import quote
from fieldkit.i18n import N_, _, ngettext
from fieldkit.playbook.codeuse import raw_codebook, strings, unknown_code
from fieldkit.playbook.order_checks import check_order
from fieldkit.playbook.problems import Problem
from fieldkit.playbook.values import WEEKDAYS
from fieldkit.playbook.yamlread import Document, Path_

_DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    seq = data.get(key) if isinstance(data, dict) else None
    if isinstance(seq, list):
        for i, item in enumerate(seq):
            if isinstance(item, dict):
                yield i, item


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _at(path: Path_, i: int | None) -> Path_:
    return path if i is None else path + (i,)


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


class _Checker:
    """Walks the raw playbook once, collecting every problem of meaning."""

    def __init__(self, doc: Document, data: dict[str, Any]) -> None:
        self.doc = doc
        self.data = data
        self.out: list[Problem] = []
        self.book: CodeBook = raw_codebook(data, doc, self.out)
        op = _section(data, "operation")
        start, end = _date(op.get("start")), _date(op.get("end"))
        self.span = (start, end) if start and end and start <= end else None

    def add(self, path: Path_, message: str) -> None:
        self.out.append(self.doc.problem(path, message))

    def codes(self, value: Any, path: Path_, known: CodeList) -> bool:
        """Report every unknown code in `value`; True when all are known."""
        ok = True
        for i, code in strings(value):
            if code not in known:
                self.add(_at(path, i), unknown_code(known.name, code, known))
                ok = False
        return ok

    def unique_ids(self, section: str) -> list[str]:
        seen: dict[str, int] = {}
        for i, item in _items(self.data, section):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                line = self.doc.where((section, seen[ident], "id"))[0]
                self.add(
                    (section, i, "id"),
                    _("{section} id {ident} is used twice (first on line {line})").format(
                        section=section, ident=quote(ident), line=line
                    ),
                )
            else:
                seen[ident] = i
        return list(seen)

    def dates(self, windows: Any, path: Path_) -> None:
        """Dates outside the operation, and days of the week it never reaches."""
        if self.span is None or not isinstance(windows, list):
            return
        first, last = self.span
        for w, window in enumerate(windows):
            if not isinstance(window, dict):
                continue
            dates = window.get("dates")
            for d, value in enumerate(dates if isinstance(dates, list) else []):
                day = _date(value)
                if day is not None and not first <= day <= last:
                    message = _("{day} is outside the operation ({first} to {last})").format(
                        day=day, first=first, last=last
                    )
                    self.add(path + (w, "dates", d), message)
            days = [d.strip().lower()[:3] for _, d in strings(window.get("days"))]
            if days and dates is None and set(days) <= set(WEEKDAYS):
                length = min(7, (last - first).days + 1)
                reached = {WEEKDAYS[(first + timedelta(n)).weekday()] for n in range(length)}
                if not reached & set(days):
                    names = _(" or ").join(
                        _(_DAY_NAMES[WEEKDAYS.index(d)]) for d in dict.fromkeys(days)
                    )
                    message = _("the operation ({first} to {last}) has no {names}").format(
                        first=first, last=last, names=names
                    )
                    self.add(path + (w, "days"), message)

    def partners(self) -> set[str] | None:
        """The operation's partners, or None when the list itself is wrong (so the checks
        that rely on it stay quiet instead of repeating its mistake)."""
        value = self.data.get("partners")
        ok = self.codes(value, ("partners",), self.book.partners)
        if not isinstance(value, list) or not ok:
            return None
        return {c for _, c in strings(value)}

    def roster(self, op_partners: set[str] | None) -> dict[str, set[str] | None]:
        """Each person's skills by id; None when they are written wrong (already reported),
        so the team checks do not repeat the mistake."""
        people = self.unique_ids("roster")
        skills_of: dict[str, set[str] | None] = {p: set() for p in people}
        for i, person in _items(self.data, "roster"):
            agency = person.get("agency")
            path: Path_ = ("roster", i, "agency")
            if self.codes(agency, path, self.book.partners) and op_partners is not None:
                if isinstance(agency, str) and agency not in op_partners:
                    self.add(
                        path,
                        _("agency {agency} is not in the operation's partners list").format(
                            agency=quote(agency)
                        ),
                    )
            skills = person.get("skills", [])
            known = self.codes(skills, ("roster", i, "skills"), self.book.skills)
            self.dates(person.get("available"), ("roster", i, "available"))
            ident = person.get("id")
            if not isinstance(ident, str) or ident not in skills_of:
                continue
            have = skills_of[ident]
            if not known or not isinstance(skills, list) or have is None:
                skills_of[ident] = None
            else:
                have |= {s for _, s in strings(skills)}
        return skills_of

    def teams(self, skills_of: dict[str, set[str] | None], venues: list[str]) -> None:
        """Each team's members, its size and skills against rules.team, and its base."""
        team_rules = _section(_section(self.data, "rules"), "team")
        must_have = team_rules.get("every_team_has")
        path: Path_ = ("rules", "team", "every_team_has")
        required = [s for _, s in strings(must_have) if s in self.book.skills]
        self.codes(must_have, path, self.book.skills)
        min_size = _int(team_rules.get("min_size", 2))
        max_size = _int(team_rules.get("max_size"))
        self.unique_ids("teams")
        placed: dict[str, str] = {}
        for i, team in _items(self.data, "teams"):
            team_id = str(team.get("id", f"#{i + 1}"))
            members = team.get("members")
            where: Path_ = ("teams", i, "members")
            if not isinstance(members, list):
                continue
            names = self.members(team_id, members, where, skills_of, placed)
            if not names:
                continue  # an empty list is reported by the model
            self.team_size(team_id, len(names), where, min_size, max_size)
            self.team_skills(team_id, names, where, skills_of, required)
            base = team.get("base")
            if isinstance(base, str) and base not in venues:
                hint = did_you_mean(base, venues)
                message = _("no venue with id {id}{hint}").format(id=quote(base), hint=hint)
                self.add(("teams", i, "base"), message)

    def members(
        self,
        team_id: str,
        members: list[Any],
        where: Path_,
        skills_of: dict[str, set[str] | None],
        placed: dict[str, str],
    ) -> list[str]:
        """A team's member ids: each in the roster, once, in no other team (`placed` notes
        each person's team)."""
        for j, member in strings(members):
            if member not in skills_of:
                hint = did_you_mean(member, skills_of)
                message = _("no one with id {id} in the roster{hint}")
                self.add(_at(where, j), message.format(id=quote(member), hint=hint))
            elif placed.get(member) == team_id:
                message = _("{member} is listed twice in team {team}")
                self.add(_at(where, j), message.format(member=quote(member), team=quote(team_id)))
            elif member in placed:
                message = _("{member} is already in team {team}")
                self.add(
                    _at(where, j), message.format(member=quote(member), team=quote(placed[member]))
                )
            else:
                placed[member] = team_id
        return [m for _, m in strings(members)]

    def team_size(
        self, team_id: str, count: int, where: Path_, min_size: int | None, max_size: int | None
    ) -> None:
        """A team has between rules.team.min_size and max_size members."""
        size = ngettext("{n} member", "{n} members", count).format(n=count)
        team = quote(team_id)
        if min_size is not None and count < min_size:
            message = _("team {team} has {size}; rules.team.min_size is {limit}")
            self.add(where, message.format(team=team, size=size, limit=min_size))
        if max_size is not None and count > max_size:
            message = _("team {team} has {size}; rules.team.max_size is {limit}")
            self.add(where, message.format(team=team, size=size, limit=max_size))

    def team_skills(
        self,
        team_id: str,
        names: list[str],
        where: Path_,
        skills_of: dict[str, set[str] | None],
        required: list[str],
    ) -> None:
        """A team has a member with each skill of rules.team.every_team_has (unless some
        member's skills are written wrong, already reported)."""
        known = [skills_of.get(m) for m in names]
        if not all(k is not None for k in known):
            return
        have = set().union(*(k for k in known if k is not None))
        for skill in required:
            if skill not in have:
                message = _(
                    "team {team} has no member with the skill {skill} (rules.team.every_team_has)"
                )
                self.add(where, message.format(team=quote(team_id), skill=quote(skill)))

    def venues(self) -> tuple[list[str], bool]:
        """The venue ids, and whether every venue's type is a known code."""
        ids = self.unique_ids("venues")
        typed = True
        for i, venue in _items(self.data, "venues"):
            typed &= self.codes(venue.get("type"), ("venues", i, "type"), self.book.venue_types)
        return ids, typed

    def activities(self, op_partners: set[str] | None, venues: list[str], typed: bool) -> None:
        self.unique_ids("activities")
        for i, act in _items(self.data, "activities"):
            here: Path_ = ("activities", i)
            for j, venue in strings(act.get("venues")):
                if venue not in venues:
                    hint = did_you_mean(venue, venues)
                    message = _("no venue with id {id}{hint}").format(id=quote(venue), hint=hint)
                    self.add(_at(here + ("venues",), j), message)
            types = act.get("venue_types")
            types_ok = self.codes(types, here + ("venue_types",), self.book.venue_types)
            req = _section(act, "requires")
            self.codes(req.get("skills"), here + ("requires", "skills"), self.book.skills)
            partners = req.get("partners")
            path = here + ("requires", "partners")
            if self.codes(partners, path, self.book.partners) and op_partners is not None:
                for j, partner in strings(partners):
                    if partner not in op_partners:
                        message = _(
                            "partner {partner} is required but not in the operation's partners list"
                        )
                        self.add(_at(path, j), message.format(partner=quote(partner)))
            self.codes(act.get("lead"), here + ("lead",), self.book.skills)
            self.dates(act.get("when"), here + ("when",))
            wanted = [t for _, t in strings(types)]
            if wanted and types_ok and typed and not act.get("venues"):
                if not any(v.get("type") in wanted for _, v in _items(self.data, "venues")):
                    message = _("no venue in the catalogue has type {types}")
                    self.add(here + ("venue_types",), message.format(types=", ".join(wanted)))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_references(doc: Document) -> list[Problem]:
    """Every problem of meaning: unknown codes and ids, duplicates, team rules, stray dates."""
    if not isinstance(doc.data, dict):
        return []
    checker = _Checker(doc, doc.data)
    op_partners = checker.partners()
    skills_of = checker.roster(op_partners)
    venues, typed = checker.venues()
    checker.teams(skills_of, venues)
    checker.activities(op_partners, venues, typed)
    check_order(checker, venues)
    return checker.out
