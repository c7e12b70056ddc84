"""Who of the team is on duty on a day, and the partners present with them (their agencies)."""

from __future__ import annotations

from datetime import date, datetime

from fieldkit.field.loadout import Loadout, Member


def on_duty(loadout: Loadout, day: date | datetime) -> list[Member]:
    """The team's members working some of `day` (a date, or a moment on the operation's local
    day), as the roster's availability says; every member when it says none."""
    local = day.astimezone(loadout.zone).date() if isinstance(day, datetime) else day
    return [m for m in loadout.members if m.works_on(local)]


def partners_present(
    loadout: Loadout, day: date | datetime, officer: str | None = None
) -> list[str]:
    """The partner codes present with the team on `day`: every on-duty member's agency, and
    the agency of `officer` (the one logging is there, whatever the roster says). Sorted;
    agencies that are not partner codes of the loadout are left out."""
    members = on_duty(loadout, day)
    member = loadout.member(officer) if officer else None
    if member is not None and member not in members:
        members.append(member)
    return sorted({m.agency for m in members if m.agency in loadout.codes.partners})
