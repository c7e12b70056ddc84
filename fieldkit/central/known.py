"""What central knows of an operation from its published plans: codes, visits, venues, rosters.

Built from every loadout version central has published for the operation (ops/OP/loadouts/,
see plans.py), so a record made on an older version of the plan stays valid after
re-planning. With no published plan, the kit's own code lists stand in and visits, venues and
rosters are unknown (None). Built once per plan change and kept on the Central object, so
checking a record costs set lookups, never a query.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fieldkit.central.content import Context
from fieldkit.central.store import Central, ForbiddenError
from fieldkit.codes import LIST_NAMES, load_codes


@dataclass(frozen=True)
class Known:
    """One operation's code lists, visit and venue ids, and each team's members."""

    codes: dict[str, frozenset[str]]
    visits: frozenset[str] | None
    venues: frozenset[str] | None
    members: dict[str, frozenset[str]]
    #: Each team's members' agencies (member id -> partner code), for the referral rules.
    agencies: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


def kit_codes() -> dict[str, frozenset[str]]:
    book = load_codes()
    return {name: frozenset(book[name].ids) for name in LIST_NAMES}


def known_from(loadouts: Iterable[tuple[str, dict[str, Any]]]) -> Known:
    """Known from (team, loadout) pairs; loadouts that are not the expected shape add nothing."""
    codes: dict[str, set[str]] = {}
    visits: set[str] = set()
    venues: set[str] = set()
    members: dict[str, set[str]] = {}
    agencies: dict[str, dict[str, str]] = {}
    published = False
    for team, loadout in loadouts:
        published = True
        for name, entries in _dict(loadout.get("codes")).items():
            codes.setdefault(str(name), set()).update(_ids(entries, "code"))
        visits.update(_ids(loadout.get("assignments"), "visit"))
        venues.update(_ids(loadout.get("venues"), "id"))
        roster = _dict(loadout.get("team")).get("members")
        members.setdefault(team, set()).update(_ids(roster, "id"))
        for entry in roster if isinstance(roster, list) else ():
            if isinstance(entry, dict) and entry.get("id") is not None:
                agencies.setdefault(team, {})[str(entry["id"])] = str(entry.get("agency") or "")
    defaults = kit_codes()
    return Known(
        codes={name: frozenset(codes.get(name) or defaults[name]) for name in LIST_NAMES},
        visits=frozenset(visits) if published else None,
        venues=frozenset(venues) if published else None,
        members={team: frozenset(ids) for team, ids in members.items()},
        agencies=agencies,
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ids(entries: Any, key: str) -> set[str]:
    if not isinstance(entries, list):
        return set()
    return {str(e[key]) for e in entries if isinstance(e, dict) and e.get(key) is not None}


def known_for(central: Central, conn: Any, operation: str) -> Known:
    """The operation's Known, rebuilt only when a new plan version was published."""
    # SQL reads keywords and names in any case: the queries are kept out of mutation runs.
    top = conn.execute(
        "SELECT max(version) FROM plans WHERE operation = ?",  # pragma: no mutate
        (operation,),
    ).fetchone()[0]
    cached = central.known.get(operation)
    if cached is not None and cached[0] == top:
        return cached[1]  # type: ignore[no-any-return]
    plans_sql = "SELECT team, loadout FROM plans WHERE operation = ?"  # pragma: no mutate
    rows = conn.execute(plans_sql, (operation,))
    known = known_from((str(team), _loads(text)) for team, text in rows)
    central.known[operation] = (top, known)
    return known


def _loads(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return _dict(data)


def device_context(central: Central, conn: Any, device: str) -> Context:
    """The content rules' context for `device`: its credential and its operation's plan."""
    # SQL reads keywords and names in any case: the query is kept out of mutation runs.
    row = conn.execute(
        "SELECT operation, team, officer FROM devices WHERE device = ?",  # pragma: no mutate
        (device,),
    ).fetchone()
    if row is None:
        # Ingest is only called for a device bound to a credential (server, bundle import).
        raise ForbiddenError(f"device {device} is not registered on central")
    op, team, officer = (str(x) for x in row)
    known = known_for(central, conn, op)
    return Context(
        operation=op,
        team=team,
        officer=officer,
        codes=known.codes,
        visits=known.visits,
        venues=known.venues,
        members=known.members.get(team),
        agencies=known.agencies.get(team),
    )
