"""Venue icons, popups and plan-coverage rings: counts and codes only, never notes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from fieldkit.codes import CodeBook
from fieldkit.maps.analysis import Analysis, VenueTally
from fieldkit.maps.inputs import MapInput, PlannedVisit, VenueInfo

#: (short mark, colour) per venue type; the legend explains the marks.
VENUE_MARKS: dict[str, tuple[str, str]] = {
    "brothel": ("Br", "#c51b7d"),
    "homeless_shelter": ("Sh", "#7b3294"),
    "airport_arrivals": ("Ai", "#2166ac"),
    "church": ("Ch", "#5e3c99"),
    "car_wash": ("CW", "#0571b0"),
    "nail_bar": ("NB", "#e7298a"),
    "construction_site": ("CS", "#b35806"),
    "recruitment_agency": ("RA", "#1b7837"),
    "overcrowded_house": ("OH", "#8c510a"),
    "street_or_transport_hub": ("St", "#4d4d4d"),
    "police_station": ("Po", "#08306b"),
    "other": ("?", "#666666"),
}
COVERAGE_COLOURS = {"all": "#1a9641", "part": "#fdae61", "none": "#d7191c"}


def label(codes: CodeBook, list_name: str, code: str) -> str:
    found = codes[list_name].get(code)
    return found.en if found is not None else code.replace("_", " ")


def venue_mark(venue_type: str) -> tuple[str, str]:
    return VENUE_MARKS.get(venue_type, VENUE_MARKS["other"])


def mark_class(venue_type: str) -> str:
    """The CSS class that colours a venue type's mark (the page's policy forbids style=)."""
    kind = venue_type if venue_type in VENUE_MARKS else "other"
    return f"fk-v-{kind}"


def mark_css() -> str:
    """A rule per venue type and per coverage state: the colours the marks and rings use."""
    rules = [
        f".fk-v-{kind} {{ background: {colour}; }}" for kind, (_, colour) in VENUE_MARKS.items()
    ]
    rules += [
        f".fk-r-{state} {{ border-color: {colour}; }}" for state, colour in COVERAGE_COLOURS.items()
    ]
    return "\n".join(rules)


def icon_html(venue_type: str) -> Markup:
    mark, _ = venue_mark(venue_type)
    return Markup('<div class="fk-mark {}">{}</div>').format(mark_class(venue_type), mark)


def _counter_rows(codes: CodeBook, list_name: str, counts: dict[str, int]) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "".join(f"<li>{escape(label(codes, list_name, code))}: {n}</li>" for code, n in items)


def popup_html(codes: CodeBook, venue: VenueInfo, tally: VenueTally) -> Markup:
    """Visits planned vs done, engagements, people, indicators and referrals of one venue."""
    parts = [
        f"<b>{escape(venue.name)}</b>",
        f"<div class='fk-sub'>{escape(label(codes, 'venue_types', venue.type))}</div>",
        "<table class='fk-tally'>",
        f"<tr><td>Visits planned</td><td>{tally.planned}</td></tr>",
        f"<tr><td>Visits done</td><td>{tally.done}</td></tr>",
        f"<tr><td>Engagements</td><td>{tally.engagements}</td></tr>",
        f"<tr><td>People engaged</td><td>{tally.people}</td></tr>",
        "</table>",
    ]
    if tally.indicators:
        parts.append("<div class='fk-h'>Indicators seen</div><ul>")
        parts.append(_counter_rows(codes, "indicators", dict(tally.indicators)) + "</ul>")
    if tally.referrals:
        parts.append("<div class='fk-h'>Referrals</div><ul>")
        parts.append(_counter_rows(codes, "outcomes", dict(tally.referrals)) + "</ul>")
    if not tally.indicators and not tally.referrals and tally.engagements:
        parts.append("<div class='fk-sub'>No indicators or referrals recorded.</div>")
    return Markup("".join(parts))


VenueRow = tuple[float, float, str, Markup, Markup]


def venue_rows(
    codes: CodeBook, map_input: MapInput, analysis: Analysis
) -> dict[str, list[VenueRow]]:
    """Marker rows (lat, lon, title, icon, popup) grouped by venue type."""
    groups: dict[str, list[VenueRow]] = {}
    for venue in sorted(map_input.venues, key=lambda v: (v.type, v.name)):
        tally = analysis.venues[venue.id]
        row = (
            venue.lat,
            venue.lon,
            venue.name,
            icon_html(venue.type),
            popup_html(codes, venue, tally),
        )
        groups.setdefault(venue.type, []).append(row)
    return groups


def _visit_text(visit: PlannedVisit, tz: ZoneInfo) -> str:
    start: datetime = visit.start.astimezone(tz)
    end: datetime = visit.end.astimezone(tz)
    team = f" ({visit.team})" if visit.team else ""
    return f"{start:%a %d %b %H:%M}-{end:%H:%M}{team}"


def coverage_rows(
    map_input: MapInput, analysis: Analysis
) -> list[tuple[float, float, str, bool, Markup]]:
    """A ring per venue with planned visits, coloured by how many were done."""
    try:
        tz = ZoneInfo(map_input.timezone)
    except Exception:  # an unknown zone name: show times in UTC rather than fail the map
        tz = ZoneInfo("UTC")
    missed_by_venue: dict[str, list[PlannedVisit]] = {}
    for visit in analysis.missed_visits:
        missed_by_venue.setdefault(visit.venue_id, []).append(visit)
    rings = []
    for venue in map_input.venues:
        tally = analysis.venues[venue.id]
        if tally.planned == 0:
            continue
        state = "all" if tally.missed == 0 else ("none" if tally.done == 0 else "part")
        text = Markup("{}: {} of {} planned visits done").format(
            venue.name, tally.done, tally.planned
        )
        missed = missed_by_venue.get(venue.id, [])
        if missed:
            shown = Markup("<br>").join(_visit_text(v, tz) for v in missed[:8])
            more = f"<br>... and {len(missed) - 8} more" if len(missed) > 8 else ""
            text += Markup("<br><b>Not done:</b><br>{}{}").format(shown, Markup(more))
        rings.append((venue.lat, venue.lon, COVERAGE_COLOURS[state], state != "all", text))
    return rings
