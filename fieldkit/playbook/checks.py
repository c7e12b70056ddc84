"""Cross-reference and code checks of a playbook, on the raw document so every problem is found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from fieldkit.codes import LIST_NAMES, Code, CodeBook, CodeList, did_you_mean, load_codes
from fieldkit.playbook.problems import Problem
from fieldkit.playbook.yamlread import Document, Path_


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    seq = data.get(key) if isinstance(data, dict) else None
    if isinstance(seq, list):
        for i, item in enumerate(seq):
            if isinstance(item, dict):
                yield i, item


def _strings(value: Any) -> Iterator[tuple[int | None, str]]:
    if isinstance(value, str):
        yield None, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                yield i, v


def _operation_codebook(data: dict[str, Any], doc: Document, out: list[Problem]) -> CodeBook:
    base = load_codes()
    lists: dict[str, CodeList] = dict(base.lists)
    choices = data.get("codes")
    if not isinstance(choices, dict):
        return CodeBook(lists)
    add = choices.get("add")
    if isinstance(add, dict):
        for name, entries in add.items():
            if name not in LIST_NAMES:
                out.append(doc.problem(("codes", "add", name), f'unknown code list "{name}"'
                                       f"{did_you_mean(name, LIST_NAMES)}", key=True))
                continue
            for i, entry in _items(add, name):
                code = entry.get("code")
                if not isinstance(code, str):
                    continue
                if code in lists[name]:
                    out.append(doc.problem(("codes", "add", name, i, "code"),
                                           f'{name} code "{code}" already exists'))
                    continue
                ilo = entry.get("ilo")
                if name == "indicators":
                    if ilo is None:
                        out.append(doc.problem(("codes", "add", name, i),
                                               f'indicator "{code}" needs `ilo:` (one of the ILO\'s 11 indicators)'))
                    elif isinstance(ilo, str) and ilo not in base.ilo_indicators:
                        out.append(doc.problem(("codes", "add", name, i, "ilo"),
                                               f'unknown ILO indicator "{ilo}"'
                                               f"{did_you_mean(ilo, base.ilo_indicators.ids)}"))
                attrs = {"ilo": str(ilo)} if isinstance(ilo, str) else {}
                lists[name] = lists[name].extend(
                    [Code(code, str(entry.get("en", code)), str(entry.get("ro", code)), attrs)]
                )
    use = choices.get("use")
    if isinstance(use, dict):
        for name, keep in use.items():
            if name not in LIST_NAMES:
                out.append(doc.problem(("codes", "use", name), f'unknown code list "{name}"'
                                       f"{did_you_mean(name, LIST_NAMES)}", key=True))
                continue
            for i, code in _strings(keep):
                if code not in lists[name]:
                    out.append(doc.problem(("codes", "use", name, i if i is not None else 0),
                                           _unknown(name, code, lists[name])))
            lists[name] = lists[name].restrict(c for _, c in _strings(keep))
    return CodeBook(lists)


def _unknown(list_name: str, code: str, known: CodeList) -> str:
    kind = list_name.removesuffix("s").replace("_", " ")
    hint = did_you_mean(code, known.ids)
    if not hint:
        hint = f" (known: {', '.join(known.ids)})" if len(known) <= 16 else ""
    return f'unknown {kind} "{code}"{hint}'


def _check_codes(value: Any, path: Path_, cl: CodeList, doc: Document, out: list[Problem]) -> None:
    for i, code in _strings(value):
        if code not in cl:
            out.append(doc.problem(path if i is None else path + (i,), _unknown(cl.name, code, cl)))


def _unique_ids(data: dict[str, Any], section: str, doc: Document, out: list[Problem]) -> list[str]:
    seen: dict[str, int] = {}
    for i, item in _items(data, section):
        ident = item.get("id")
        if isinstance(ident, str):
            if ident in seen:
                line = doc.where((section, seen[ident], "id"))[0]
                out.append(doc.problem((section, i, "id"),
                                       f'{section} id "{ident}" is used twice (first on line {line})'))
            else:
                seen[ident] = i
    return list(seen)


def _as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _check_dates(windows: Any, path: Path_, span: tuple[date, date] | None, doc: Document,
                 out: list[Problem]) -> None:
    if span is None or not isinstance(windows, list):
        return
    for w, window in enumerate(windows):
        if not isinstance(window, dict) or not isinstance(window.get("dates"), list):
            continue
        for d, value in enumerate(window["dates"]):
            if isinstance(value, date) and not span[0] <= value <= span[1]:
                out.append(doc.problem(path + (w, "dates", d),
                                       f"{value} is outside the operation ({span[0]} to {span[1]})"))


def check_references(doc: Document) -> list[Problem]:
    """Every problem of meaning: unknown codes and ids, duplicates, team rules, stray dates."""
    data = doc.data
    out: list[Problem] = []
    if not isinstance(data, dict):
        return out
    book = _operation_codebook(data, doc, out)
    op = data.get("operation") if isinstance(data.get("operation"), dict) else {}
    start, end = _as_date(op.get("start")), _as_date(op.get("end"))
    span = (start, end) if start and end and start <= end else None

    _check_codes(data.get("partners"), ("partners",), book.partners, doc, out)
    op_partners = {c for _, c in _strings(data.get("partners"))}

    people = _unique_ids(data, "roster", doc, out)
    skills_of: dict[str, set[str]] = {}
    for i, person in _items(data, "roster"):
        agency = person.get("agency")
        _check_codes(agency, ("roster", i, "agency"), book.partners, doc, out)
        if isinstance(agency, str) and agency in book.partners and agency not in op_partners:
            out.append(doc.problem(("roster", i, "agency"),
                                   f'agency "{agency}" is not in the operation\'s partners list'))
        _check_codes(person.get("skills"), ("roster", i, "skills"), book.skills, doc, out)
        _check_dates(person.get("available"), ("roster", i, "available"), span, doc, out)
        if isinstance(person.get("id"), str):
            skills_of[person["id"]] = {s for _, s in _strings(person.get("skills"))}

    venues = _unique_ids(data, "venues", doc, out)
    for i, venue in _items(data, "venues"):
        _check_codes(venue.get("type"), ("venues", i, "type"), book.venue_types, doc, out)

    rules = data.get("rules") if isinstance(data.get("rules"), dict) else {}
    team_rules = rules.get("team") if isinstance(rules.get("team"), dict) else {}
    must_have = [s for _, s in _strings(team_rules.get("every_team_has"))]
    _check_codes(team_rules.get("every_team_has"), ("rules", "team", "every_team_has"),
                 book.skills, doc, out)
    min_size = team_rules.get("min_size", 2)
    max_size = team_rules.get("max_size")

    _unique_ids(data, "teams", doc, out)
    placed: dict[str, str] = {}
    for i, team in _items(data, "teams"):
        team_id = team.get("id", f"#{i + 1}")
        members = [m for _, m in _strings(team.get("members"))]
        for j, member in _strings(team.get("members")):
            if member not in people:
                out.append(doc.problem(("teams", i, "members", j or 0),
                                       f'no one with id "{member}" in the roster'
                                       f"{did_you_mean(member, people)}"))
            elif member in placed and placed[member] != team_id:
                out.append(doc.problem(("teams", i, "members", j or 0),
                                       f'"{member}" is already in team "{placed[member]}"'))
            else:
                placed[member] = str(team_id)
        if isinstance(min_size, int) and len(members) < min_size:
            out.append(doc.problem(("teams", i, "members"),
                                   f'team "{team_id}" has {len(members)} members; rules.team.min_size is {min_size}'))
        if isinstance(max_size, int) and len(members) > max_size:
            out.append(doc.problem(("teams", i, "members"),
                                   f'team "{team_id}" has {len(members)} members; rules.team.max_size is {max_size}'))
        have = set().union(*(skills_of.get(m, set()) for m in members)) if members else set()
        for skill in must_have:
            if skill in book.skills and skill not in have and all(m in people for m in members):
                out.append(doc.problem(("teams", i, "members"),
                                       f'team "{team_id}" has no {book.skills[skill].en.lower()} '
                                       f"(rules.team.every_team_has: {skill})"))
        base = team.get("base")
        if isinstance(base, str) and base not in venues:
            out.append(doc.problem(("teams", i, "base"),
                                   f'no venue with id "{base}"{did_you_mean(base, venues)}'))

    _unique_ids(data, "activities", doc, out)
    for i, act in _items(data, "activities"):
        for j, venue in _strings(act.get("venues")):
            if venue not in venues:
                out.append(doc.problem(("activities", i, "venues", j or 0),
                                       f'no venue with id "{venue}"{did_you_mean(venue, venues)}'))
        _check_codes(act.get("venue_types"), ("activities", i, "venue_types"), book.venue_types, doc, out)
        req = act.get("requires") if isinstance(act.get("requires"), dict) else {}
        _check_codes(req.get("skills"), ("activities", i, "requires", "skills"), book.skills, doc, out)
        _check_codes(req.get("partners"), ("activities", i, "requires", "partners"), book.partners, doc, out)
        for j, partner in _strings(req.get("partners")):
            if partner in book.partners and partner not in op_partners:
                out.append(doc.problem(("activities", i, "requires", "partners", j or 0),
                                       f'partner "{partner}" is required but not in the operation\'s partners list'))
        _check_codes(act.get("lead"), ("activities", i, "lead"), book.skills, doc, out)
        _check_dates(act.get("when"), ("activities", i, "when"), span, doc, out)
        types = [t for _, t in _strings(act.get("venue_types"))]
        if types and not act.get("venues"):
            if not any(v.get("type") in types for _, v in _items(data, "venues")):
                out.append(doc.problem(("activities", i, "venue_types"),
                                       f"no venue in the catalogue has type {', '.join(types)}"))
    return out
