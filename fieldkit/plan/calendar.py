"""Per-team calendars: teams/TEAM.ics, one event per assignment with LOCATION and GEO."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from fieldkit.plan.instructions import special_instructions
from fieldkit.plan.records import Plan
from fieldkit.plan.visits import Clock


def team_calendar(plan: Plan, team_id: str) -> bytes:
    pb = plan.playbook
    clock = Clock(pb)
    team = pb.team(team_id)
    cal = Calendar()
    cal.add("prodid", "-//fieldkit//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{pb.operation.name}: {team.name}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for a in plan.of_team(team_id):
        visit = plan.visit(a.visit)
        venue = pb.venue(visit.venue)
        event = Event()
        event.add("uid", f"{pb.operation.id}.{a.visit}@fieldkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", clock.moment(a.start))
        event.add("dtend", clock.moment(a.end))
        event.add("summary", f"{visit.activity_name}: {venue.name}")
        event.add("location", venue.address or venue.name)
        if venue.location:
            event.add("geo", (venue.location[0], venue.location[1]))
        event.add("description", "\n".join(special_instructions(plan, a)))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
