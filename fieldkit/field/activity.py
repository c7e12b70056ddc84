"""The team's activity log (ICS 214): visits started and ended and handover notes as records
of their own, and the day in order with the engagements and referrals, for the debrief."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fieldkit.errors import UserError, quote
from fieldkit.field.device import Device
from fieldkit.model import (
    ACTIVITIES,
    ACTIVITY,
    ENGAGEMENT,
    ENGAGEMENT_FORMAT_2,
    NOTES_MAX,
    Engagement,
)

#: The activities that belong to a visit of the plan (the others may name one).
OF_A_VISIT = ("visit_started", "visit_ended")

#: Outcomes and routes that are referrals (the day log names them apart).
REFERRAL_OUTCOMES = (
    "nrm_referral",
    "duty_to_notify",
    "safeguarding_referral",
    "referred_to_partner",
)
REFERRAL_ROUTES = ("nrm", "duty_to_notify", "safeguarding", "partner_support")

WHAT = {
    "visit_started": "visit started",
    "visit_ended": "visit ended",
    "handover": "handover note",
    "note": "note",
    ENGAGEMENT: "engagement",
}
"""How each kind of entry is named in the day log."""


class ActivityError(UserError):
    """An activity that cannot be logged as given."""


def log_activity(
    device: Device,
    activity: str,
    *,
    time: datetime,
    visit: str | None = None,
    notes: str | None = None,
    officer: str | None = None,
) -> Engagement:
    """Store one entry of the activity log, signed and chained like an engagement.

    A visit started or ended names its visit (default: the one under way at `time`); a
    handover note needs its words. Nothing is stored when anything is wrong.
    """
    if activity not in ACTIVITIES:
        raise ActivityError(f"activity {quote(activity)} is not one of {', '.join(ACTIVITIES)}")
    loadout = device.loadout
    who = officer or device.officer
    if loadout.member(who) is None:
        raise ActivityError(f"officer {quote(who)} is not a member of team {loadout.team}")
    text = (notes or "").strip() or None
    if text is not None and len(text) > NOTES_MAX:
        raise ActivityError(f"notes are at most {NOTES_MAX} characters (these are {len(text)})")
    if activity in ("handover", "note") and text is None:
        raise ActivityError(f"a {WHAT[activity]} needs its words: give them with --notes")
    moment = time if time.tzinfo else time.replace(tzinfo=device.zone)
    assignment = _visit(device, activity, visit, moment)
    venue = loadout.venues[assignment.venue] if assignment is not None else None
    record = Engagement(
        id="",
        device=device.id,
        officer=who,
        operation=loadout.operation,
        team=loadout.team,
        hlc="",
        recorded_at=device.now().isoformat(),
        timezone=loadout.timezone,
        time=moment.replace(microsecond=0).isoformat(),
        venue_type=venue.type if venue is not None else "",
        visit=assignment.visit if assignment is not None else None,
        venue=venue.id if venue is not None else None,
        notes=text,
        format=ENGAGEMENT_FORMAT_2,
        kind=ACTIVITY,
        activity=activity,
    )
    return device.store.append([record], device.key.sign, device.clock)[0]


def _visit(device: Device, activity: str, visit: str | None, moment: datetime) -> Any:
    if visit is not None:
        found = device.loadout.assignment(visit)
        if found is None:
            raise ActivityError(f"visit {quote(visit)} is not one of team {device.loadout.team}'s")
        return found
    if activity not in OF_A_VISIT:
        return None  # a note belongs to a visit only when it names one
    found = device.current(moment)
    if found is None:
        raise ActivityError(
            f"no visit is under way at {moment:%Y-%m-%d %H:%M}: name it with --visit "
            "(see `fieldkit log day` or the plan's assignments)"
        )
    return found


@dataclass(frozen=True)
class DayEntry:
    """One line of the day log."""

    time: str
    what: str
    officer: str
    visit: str | None
    venue: str | None
    detail: str
    record: str
    referrals: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "what": self.what,
            "officer": self.officer,
            "visit": self.visit,
            "venue": self.venue,
            "detail": self.detail,
            "referrals": self.referrals,
            "record": self.record,
        }


@dataclass(frozen=True)
class DayLog:
    operation: str
    team: str
    day: date
    entries: tuple[DayEntry, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "team": self.team,
            "day": self.day.isoformat(),
            "entries": [e.to_dict() for e in self.entries],
        }


def day_log(device: Device, day: date) -> DayLog:
    """The team's day on this device in time order: the activity log's entries and each
    engagement (the latest version), with the referrals it made."""
    rows = device.store.records(day.isoformat())
    entries = [_entry(device, rec) for rec, _ in rows]
    entries.sort(key=lambda e: (e.time, e.record))
    loadout = device.loadout
    return DayLog(loadout.operation, loadout.team, day, tuple(entries))


def _entry(device: Device, rec: Engagement) -> DayEntry:
    venue = device.loadout.venues.get(rec.venue or "")
    where = venue.name if venue is not None else rec.venue
    if rec.kind == ACTIVITY:
        what = WHAT.get(rec.activity or "", rec.activity or "")
        detail = rec.notes or ""
        referrals = 0
    else:
        what = WHAT[ENGAGEMENT] + (" (amended)" if rec.amends else "")
        referrals = _referrals(rec)
        detail = _engagement_detail(rec, referrals)
    return DayEntry(
        time=rec.time,
        what=what,
        officer=rec.officer,
        visit=rec.visit,
        venue=where,
        detail=detail,
        record=rec.id,
        referrals=referrals,
    )


def _referrals(rec: Engagement) -> int:
    by_person = sum(1 for p in rec.persons if p.route in REFERRAL_ROUTES)
    by_outcome = sum(1 for o in rec.outcomes if o in REFERRAL_OUTCOMES)
    return max(by_person, by_outcome)


def _engagement_detail(rec: Engagement, referrals: int) -> str:
    """People met, signs seen, what was done: counts and codes, never notes or names."""
    met = rec.people_count + len(rec.persons)
    signs = set(rec.indicators) | {s for p in rec.persons for s in p.signs}
    parts = [f"{met} met", f"{len(signs)} sign(s)"]
    if rec.outcomes:
        parts.append(", ".join(rec.outcomes))
    if referrals:
        parts.append(f"{referrals} referral(s)")
    return "; ".join(parts)


def day_log_text(log: DayLog, width: int = 80) -> str:
    """The day log as a printable page: a heading, each entry's time, what, where and who, its
    detail wrapped under it, then the totals."""
    lines = [f"Activity log: team {log.team}, {log.operation}, {log.day:%A %d %B %Y}", ""]
    for e in log.entries:
        where = f"{e.venue}, " if e.venue else ""
        lines.append(f"{e.time[11:16]:5}  {e.what:15}  {where}{e.officer}")
        if e.detail:
            lines += textwrap.wrap(
                e.detail, width, initial_indent=" " * 7, subsequent_indent=" " * 7
            )
    engagements = sum(1 for e in log.entries if e.what.startswith(WHAT[ENGAGEMENT]))
    referrals = sum(e.referrals for e in log.entries)
    count = len(log.entries)
    lines += [
        "",
        f"{count} entr{'y' if count == 1 else 'ies'}: "
        f"{engagements} engagement(s), {referrals} referral(s)",
    ]
    return "\n".join(lines)


def visits_under_way(device: Device, day: date) -> set[str]:
    """The visits of `day` logged as started and not (yet) as ended, on this device."""
    under_way: set[str] = set()
    for rec, _ in device.store.records(day.isoformat(), kind=ACTIVITY):
        if rec.visit is None:
            continue
        if rec.activity == "visit_started":
            under_way.add(rec.visit)
        elif rec.activity == "visit_ended":
            under_way.discard(rec.visit)
    return under_way
