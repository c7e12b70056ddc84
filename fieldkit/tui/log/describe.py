"""Plain words for what the Log screens show: times, venues, visits, people, codes."""

from __future__ import annotations

from datetime import datetime

from fieldkit.codes import CodeList
from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.field.loadout import Assignment, Loadout
from fieldkit.i18n import _, label
from fieldkit.model import Engagement, PeopleGroup
from fieldkit.tui.dates import FULL_TIME, shown_time


def hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def labels(codes: CodeList, chosen: tuple[str, ...] | list[str], none: str | None = None) -> str:
    """The codes' labels in the language in use, comma separated (`none` when there are none)."""
    if not chosen:
        return _("none") if none is None else none
    return ", ".join(label(codes[c]) if c in codes else c for c in chosen)


def venue_name(loadout: Loadout, venue: str | None) -> str:
    if venue is None:
        return _("no venue")
    found = loadout.venues.get(venue)
    return found.name if found else venue


def window(a: Assignment, loadout: Loadout) -> str:
    zone = loadout.zone
    return f"{hhmm(a.start.astimezone(zone))}–{hhmm(a.end.astimezone(zone))}"


def people_short(people: tuple[PeopleGroup, ...] | list[PeopleGroup], genders: CodeList) -> str:
    """'2 female, 1 male' (totals by gender, in the language in use)."""
    if not people:
        return _("none")
    totals: dict[str, int] = {}
    for group in people:
        totals[group.gender] = totals.get(group.gender, 0) + group.count
    return ", ".join(f"{n} {labels(genders, [gender]).lower()}" for gender, n in totals.items())


def draft_context(draft: Draft, loadout: Loadout) -> str:
    """Where and when a draft is, in one or two lines."""
    zone = loadout.zone
    when = shown_time(draft.time.astimezone(zone), *FULL_TIME)
    venue = loadout.venues.get(draft.venue or "")
    where = f"{venue.name} ({draft.venue_type})" if venue else venue_name(loadout, draft.venue)
    visit = loadout.assignment(draft.visit) if draft.visit else None
    if visit is not None:
        on = _("visit: {activity}, {window}").format(
            activity=visit.activity_name, window=window(visit, loadout)
        )
    else:
        on = _("not on one of today's visits")
    partners = labels(loadout.codes.partners, draft.partners)
    return _("{when} · {where}\n{on} · partners present: {partners}").format(
        when=when, where=where, on=on, partners=partners
    )


def record_time(rec: Engagement, loadout: Loadout) -> str:
    moment = datetime.fromisoformat(rec.time).astimezone(loadout.zone)
    return shown_time(moment, "%a %d %b %H:%M", "EEE d MMM HH:mm")


def plain(message: str) -> str:
    """A UserError's text without the command-line prefix."""
    return "\n".join(line.removeprefix("fieldkit: ") for line in message.splitlines())


def pending_text(device: Device) -> str:
    """The always-visible outbox counter."""
    try:
        pending = device.pending_count()
    except UserError:
        return _("Pending sync: ?")
    return _("Pending sync: {count}").format(count=pending)
