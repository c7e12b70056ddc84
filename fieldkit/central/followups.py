"""Follow-ups at central: what became of each person referred (status events appended, never
changed), the open follow-ups of an operation, and the venues to revisit.

A person referred on a device (a format 2 person whose route is not `none`) starts as
`referred`; each later status is an event in `followup_events`, checked against the follow-up
statuses of codes.yaml (codes/followups.py). A record's `follow_up_needed` outcome is an
engagement-level follow-up, open until an engagement is recorded at its venue after it.

Ids a commander types: a record's short id is 8 characters (Crockford base32 of a hash of the
record's original id, so an amendment keeps it), e.g. `K7M2Q9XD`; a person is the short id
and their place in the record, `K7M2Q9XD-1`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

from fieldkit.central.by_operation import operation_records
from fieldkit.central.known import known_for
from fieldkit.central.short_ids import near, operations_of, short_id
from fieldkit.central.store import Central
from fieldkit.codes import did_you_mean
from fieldkit.codes.followups import (
    FOLLOW_UP_NEEDED,
    REFERRED,
    REFERRING_ROUTES,
    check_next,
    is_open,
    statuses,
)
from fieldkit.errors import UserError, quote
from fieldkit.model import ACTIVITY, Engagement, RecordError

_TYPED = str.maketrans("OILU", "0110")
PERSON, ENGAGEMENT = "person", "engagement"


class FollowUpError(UserError):
    """An unknown person or partner, or a follow-up that cannot take a status (exit 2)."""


def person_id(record_id: str, n: int) -> str:
    """The id of the `n`-th person (1-based) of a record: `SHORTID-N`."""
    return f"{short_id(record_id)}-{n}"


def typed_id(text: str) -> str:
    """An id as a person may type it: any case, O for 0, I or L for 1."""
    return text.strip().upper().translate(_TYPED)


@dataclass(frozen=True)
class FollowUpEvent:
    """One status event on a person: when it was entered, by whom, with which partner."""

    person: str
    status: str
    partner: str | None
    at: str
    entered_by: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class FollowUp:
    """A person referred (`kind` person) or an engagement asking for a visit again
    (`kind` engagement): codes and counts only, never a name or a note."""

    id: str
    kind: str
    operation: str
    record: str
    person: int | None
    venue: str | None
    venue_type: str
    age_band: str | None
    route: str | None
    agency: str | None
    opened: str
    days_open: int
    history: tuple[str, ...]
    events: tuple[FollowUpEvent, ...]
    open: bool

    @property
    def status(self) -> str:
        """The current status: the last of the history."""
        return self.history[-1]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["history"] = list(self.history)
        data["events"] = [e.to_dict() for e in self.events]
        data["status"] = self.status
        return data


def follow_ups(
    store: Central,
    operations: Collection[str] | None = None,
    now: datetime | None = None,
    open_only: bool = True,
) -> list[FollowUp]:
    """The follow-ups of `operations` (every operation when None), oldest first; only the
    open ones unless `open_only` is False. `now` counts the days open (default: the clock)."""
    moment = now or datetime.now(UTC)
    latest = _latest_records(store, operations)
    by_person: dict[tuple[str, int], list[FollowUpEvent]] = {}
    for record, n, event in _event_rows(store, operations):
        by_person.setdefault((record, n), []).append(event)
    agencies = _agencies(store, {rec.operation for rec in latest.values()})
    found: list[FollowUp] = []
    for root, rec in latest.items():
        agency_of = agencies.get((rec.operation, rec.team), {})
        for n, person in enumerate(rec.persons, start=1):
            if person.route not in REFERRING_ROUTES:
                continue
            done = tuple(by_person.get((root, n), ()))
            history = (REFERRED, *(e.status for e in done))
            base = _follow_up(rec, root, n, moment, history, done)
            agency = agency_of.get(person.by or rec.officer)
            found.append(replace(base, age_band=person.age_band, route=person.route, agency=agency))
        if FOLLOW_UP_NEEDED in rec.outcomes:
            still_open = not _revisited(rec, latest.values())
            base = _follow_up(rec, root, None, moment, (FOLLOW_UP_NEEDED,), (), still_open)
            found.append(replace(base, agency=agency_of.get(rec.officer)))
    found.sort(key=lambda f: (f.opened, f.id))
    return [f for f in found if f.open or not open_only]


def _follow_up(
    rec: Engagement,
    root: str,
    n: int | None,
    now: datetime,
    history: tuple[str, ...],
    events: tuple[FollowUpEvent, ...],
    still_open: bool | None = None,
) -> FollowUp:
    opened = datetime.fromisoformat(rec.time)
    days = (now.astimezone(opened.tzinfo).date() - opened.date()).days
    return FollowUp(
        id=person_id(root, n) if n is not None else short_id(root),
        kind=PERSON if n is not None else ENGAGEMENT,
        operation=rec.operation,
        record=root,
        person=n,
        venue=rec.venue,
        venue_type=rec.venue_type,
        age_band=None,
        route=None,
        agency=None,
        opened=rec.time,
        days_open=max(0, days),
        history=history,
        events=events,
        open=is_open(history) if still_open is None else still_open,
    )


def _revisited(rec: Engagement, latest: Collection[Engagement]) -> bool:
    """Whether an engagement was recorded at `rec`'s venue after it."""
    if rec.venue is None:
        return False
    when = datetime.fromisoformat(rec.time)
    return any(
        other.venue == rec.venue and datetime.fromisoformat(other.time) > when
        for other in latest
        if other.id != rec.id
    )


def _latest_records(store: Central, operations: Collection[str] | None) -> dict[str, Engagement]:
    """Original record id -> the latest version of that engagement (the newest leaf by hlc
    when two devices amended it), for the records of `operations` that read."""
    parsed: dict[str, Engagement] = {}
    rows = store.records() if operations is None else operation_records(store, operations)
    for row in rows:
        if row.get("kind") == ACTIVITY:
            continue  # the team's activity log met no one
        try:
            rec = Engagement.from_dict(row)
            datetime.fromisoformat(rec.time).utcoffset()
        except (RecordError, ValueError):
            continue  # unreadable records are the report's data-quality problem
        parsed[rec.id] = rec
    amended = {r.amends for r in parsed.values() if r.amends in parsed}
    latest: dict[str, Engagement] = {}
    for rec in parsed.values():
        if rec.id in amended:
            continue
        root, seen = rec, {rec.id}
        while root.amends in parsed and root.amends not in seen:
            root = parsed[root.amends]  # type: ignore[index]
            seen.add(root.id)
        held = latest.get(root.id)
        if held is None or (rec.hlc, rec.id) > (held.hlc, held.id):
            latest[root.id] = rec
    return latest


def _event_rows(
    store: Central, operations: Collection[str] | None = None
) -> list[tuple[str, int, FollowUpEvent]]:
    """(original record id, person number, event) of every event (of `operations` when
    given), in the order entered."""
    sql, args = "SELECT record_id, person, person_id, status, partner, at, entered_by", []
    sql += " FROM followup_events"
    if operations is not None:
        args = sorted(set(operations))
        sql += f" WHERE operation IN ({','.join('?' * len(args))})"
    rows = store.query(sql + " ORDER BY n", args)
    return [
        (record, n, FollowUpEvent(pid, status, partner, at, by))
        for record, n, pid, status, partner, at, by in rows
    ]


def _agencies(store: Central, operations: Collection[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(operation, team) -> {officer: agency} from the operation's published plans."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    with store.lock:
        for op in operations:
            for team, members in known_for(store, store.conn, op).agencies.items():
                out[op, team] = {m: a for m, a in members.items() if a}
    return out


def find(store: Central, typed: str) -> FollowUp:
    """The follow-up a person typed the id of; FollowUpError naming what was wrong. Only the
    operations holding a record of that short id are read, not the whole store."""
    wanted = typed_id(typed)
    short = wanted.split("-", 1)[0]
    hits = [f for f in _follow_ups_of(store, {short}) if f.id == wanted]
    if len(hits) > 1:
        raise FollowUpError(f"{quote(typed)} names {len(hits)} follow-ups: ask for support")
    if not hits:
        close = [f.id for f in _follow_ups_of(store, {short, *near(short)})]
        raise FollowUpError(
            f"no person referred with id {quote(typed)} at central"
            f"{did_you_mean(wanted, close)}; `fieldkit followups` lists them"
        )
    if hits[0].kind == ENGAGEMENT:
        raise FollowUpError(
            f"{wanted} is an engagement's {FOLLOW_UP_NEEDED}: it closes when its venue is "
            f"visited again; statuses are for the persons referred ({wanted}-1, {wanted}-2, ...)"
        )
    return hits[0]


def _follow_ups_of(store: Central, shorts: set[str]) -> list[FollowUp]:
    """Every follow-up, open or closed, of the operations holding a record of these ids."""
    operations = operations_of(store, shorts)
    return follow_ups(store, operations, open_only=False) if operations else []


def os_user() -> str:
    """Who enters an event from this machine: the user the command or the app runs as."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def add_event(
    store: Central,
    person: str,
    status: str,
    partner: str | None,
    entered_by: str,
    now: datetime | None = None,
) -> FollowUp:
    """Append a status event to a person referred, if it may follow their history; the
    person's follow-up as it is after it. FollowUpError / TransitionError (exit 2) otherwise."""
    found = find(store, person)
    if partner is not None:
        _check_partner(store, found.operation, partner)
    at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT status FROM followup_events WHERE record_id = ? AND person = ? ORDER BY n",
            (found.record, found.person),
        ).fetchall()
        history = (REFERRED, *(r[0] for r in rows))
        check_next(found.id, history, status, partner)
        conn.execute(
            "INSERT INTO followup_events (record_id, person, person_id, operation, status,"
            " partner, at, entered_by) VALUES (?,?,?,?,?,?,?,?)",
            (found.record, found.person, found.id, found.operation, status, partner, at,
             entered_by),
        )  # fmt: skip
    return find(store, found.id)


def _check_partner(store: Central, operation: str, partner: str) -> None:
    with store.lock:
        partners = known_for(store, store.conn, operation).codes["partners"]
    if partner not in partners:
        raise FollowUpError(
            f"no partner {quote(partner)} in the code lists{did_you_mean(partner, partners)}; "
            f"partners: {', '.join(sorted(partners))}"
        )


def events(store: Central, person: str | None = None) -> list[FollowUpEvent]:
    """Every status event stored (of one person id when given), in the order entered."""
    wanted = typed_id(person) if person is not None else None
    return [e for _, _, e in _event_rows(store) if wanted is None or e.person == wanted]


def status_counts(store: Central, operations: Collection[str] | None = None) -> dict[str, int]:
    """How many persons referred are at each follow-up status now (open and closed), every
    status listed (0 when none)."""
    counts = dict.fromkeys(statuses().ids, 0)
    for f in follow_ups(store, operations, open_only=False):
        if f.kind == PERSON:
            counts[f.status] = counts.get(f.status, 0) + 1
    return counts


@dataclass(frozen=True)
class Revisit:
    """A venue to visit again, and why (counts and codes only)."""

    venue: str
    reason: str


def revisits(store: Central, operations: Collection[str] | None = None) -> list[Revisit]:
    """The venues of open follow-ups (people referred there, engagements asking for a visit
    again), each with its reason, in venue order. Follow-ups with no venue are left out."""
    by_venue: dict[str, list[FollowUp]] = {}
    for f in follow_ups(store, operations):
        if f.venue is not None:
            by_venue.setdefault(f.venue, []).append(f)
    out = []
    for venue, found in sorted(by_venue.items()):
        people = [f for f in found if f.kind == PERSON]
        asked = sorted({f.opened[:10] for f in found if f.kind == ENGAGEMENT})
        parts = []
        if people:
            now_at = ", ".join(sorted({f.status for f in people}))
            parts.append(f"{len(people)} person(s) referred there, follow-up open ({now_at})")
        if asked:
            parts.append(f"a follow-up visit asked for on {', '.join(asked)}")
        ops = ", ".join(sorted({f.operation for f in found}))
        out.append(Revisit(venue, f"follow-ups from {ops}: {'; '.join(parts)}"))
    return out
