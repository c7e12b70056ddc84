"""The team's activity log (ICS 214): visits started and ended and handover notes as records
of their own, and the day in order with the engagements and referrals, for the debrief."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fieldkit.errors import UserError, quote
from fieldkit.field.device import Device
from fieldkit.i18n import N_, _, language, ngettext
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
    "visit_started": N_("visit started"),
    "visit_ended": N_("visit ended"),
    "handover": N_("handover note"),
    "note": N_("note"),
    ENGAGEMENT: N_("engagement"),
}
"""How each kind of entry is named in the day log (in English in its JSON; the printed page
says it in the language in use)."""

AMENDED = N_("engagement (amended)")


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
    met: int | None = None
    """An engagement's people met and signs seen (its detail is said again from them)."""
    signs: int = 0
    outcomes: tuple[str, ...] = ()

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
    entries = [_entry(device, rec) for rec, _chain in rows]
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
        what = AMENDED if rec.amends else WHAT[ENGAGEMENT]
        referrals = _referrals(rec)
        met, signs = _met_and_signs(rec)
        detail = _engagement_detail(met, signs, rec.outcomes, referrals)
    return DayEntry(
        time=rec.time,
        what=what,
        officer=rec.officer,
        visit=rec.visit,
        venue=where,
        detail=detail,
        record=rec.id,
        referrals=referrals,
        met=met if rec.kind != ACTIVITY else None,
        signs=signs if rec.kind != ACTIVITY else 0,
        outcomes=tuple(rec.outcomes) if rec.kind != ACTIVITY else (),
    )


def _referrals(rec: Engagement) -> int:
    by_person = sum(1 for p in rec.persons if p.route in REFERRAL_ROUTES)
    by_outcome = sum(1 for o in rec.outcomes if o in REFERRAL_OUTCOMES)
    return max(by_person, by_outcome)


def _met_and_signs(rec: Engagement) -> tuple[int, int]:
    signs = set(rec.indicators) | {s for p in rec.persons for s in p.signs}
    return rec.people_count + len(rec.persons), len(signs)


def _engagement_detail(
    met: int, signs: int, outcomes: tuple[str, ...] | list[str], referrals: int
) -> str:
    """People met, signs seen, what was done: counts and codes, never notes or names (as the
    JSON gives it, in English)."""
    parts = [f"{met} met", f"{signs} sign(s)"]
    if outcomes:
        parts.append(", ".join(outcomes))
    if referrals:
        parts.append(f"{referrals} referral(s)")
    return "; ".join(parts)


def engagement_detail(
    met: int, signs: int, outcomes: tuple[str, ...] | list[str], referrals: int
) -> str:
    """People met, signs seen, what was done: counts and codes, never notes or names (in the
    language in use)."""
    parts = [
        ngettext("{count} met", "{count} met", met).format(count=met),
        ngettext("{count} sign(s)", "{count} sign(s)", signs).format(count=signs),
    ]
    if outcomes:
        parts.append(", ".join(outcomes))
    if referrals:
        parts.append(
            ngettext("{count} referral(s)", "{count} referral(s)", referrals).format(
                count=referrals
            )
        )
    return "; ".join(parts)


def day_log_text(log: DayLog, width: int = 80) -> str:
    """The day log as a printable page: a heading, each entry's time, what, where and who, its
    detail wrapped under it, then the totals."""
    lines = [
        _("Activity log: team {team}, {operation}, {day}").format(
            team=log.team, operation=log.operation, day=_long_day(log.day)
        ),
        "",
    ]
    for e in log.entries:
        where = f"{e.venue}, " if e.venue else ""
        what = _(e.what)
        lines.append(f"{e.time[11:16]:5}  {what:15}  {where}{e.officer}")
        detail = e.detail
        if e.met is not None:
            detail = engagement_detail(e.met, e.signs, e.outcomes, e.referrals)
        if detail:
            lines += textwrap.wrap(detail, width, initial_indent=" " * 7, subsequent_indent=" " * 7)
    engagements = sum(1 for e in log.entries if e.what.startswith(WHAT[ENGAGEMENT]))
    referrals = sum(e.referrals for e in log.entries)
    count = len(log.entries)
    entries = ngettext("{count} entry", "{count} entries", count).format(count=count)
    lines += [
        "",
        _("{entries}: {engagements} engagement(s), {referrals} referral(s)").format(
            entries=entries, engagements=engagements, referrals=referrals
        ),
    ]
    return "\n".join(lines)


def _long_day(day: date) -> str:
    """'Monday 25 September 2023', or in Romanian 'luni 25 septembrie 2023'."""
    if language() != "ro":
        return f"{day:%A %d %B %Y}"
    from babel.dates import format_date

    return format_date(day, "EEEE d MMMM y", locale="ro")


def visits_under_way(device: Device, day: date) -> set[str]:
    """The visits of `day` logged as started and not (yet) as ended, on this device."""
    under_way: set[str] = set()
    for rec, _chain in device.store.records(day.isoformat(), kind=ACTIVITY):
        if rec.visit is None:
            continue
        if rec.activity == "visit_started":
            under_way.add(rec.visit)
        elif rec.activity == "visit_ended":
            under_way.discard(rec.visit)
    return under_way
