"""Today's assignments (the current one marked) and the recent engagements, as table rows."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from fieldkit.field.device import Device
from fieldkit.i18n import N_, _
from fieldkit.tui.as_written import as_written, row_as_written
from fieldkit.tui.log.describe import labels, people_short, record_time, venue_name, window

RECENT_COLUMNS = (
    (N_("When"), 10),
    (N_("Venue"), 13),
    (N_("People"), 8),
    (N_("Signs"), 13),
    (N_("Outcomes"), 12),
    (N_("Sync"), 8),
)
"""Columns that fit 80 columns (labels wrap in them); Sync also says when a record was amended."""
SYNC_WORDS = {"acknowledged": N_("synced"), "pending": N_("pending")}
"""Short words for the sync states where the full one does not fit."""

NO_VISITS = "none"
"""The row key of the 'no visits today' row."""


def fill_assignments(table: DataTable[str | Text], device: Device, now: datetime) -> int | None:
    """Today's assignments of this team; returns the row of the current one, if any."""
    loadout = device.loadout
    if not table.columns:
        for label, width in (
            ("", 5),
            (_("Time"), 11),
            (_("Activity"), 22),
            (_("Venue"), 18),
            (_("With"), 8),
        ):
            table.add_column(label, width=width)
    table.clear()
    current = device.current(now)
    at: int | None = None
    today = device.today(now)
    for row, a in enumerate(today):
        style = "bold" if a == current else ("dim" if a.end <= now else "")
        mark = _("▶ now") if a == current else (_("done") if a.end <= now else "")
        cells = [
            mark,
            window(a, loadout),
            a.activity_name,
            venue_name(loadout, a.venue),
            ", ".join(a.partners) or "—",
        ]
        # Full labels, wrapped in their column (height=None): never "Nail bar, Chippi…".
        table.add_row(*(as_written(c, style) for c in cells), key=a.visit, height=None)
        if a == current:
            at = row
    if not today:
        table.add_row(
            "", "", Text(_("No visits for your team today"), style="dim"), "", "", key=NO_VISITS
        )
    if at is not None:
        table.move_cursor(row=at)
    return at


def fill_recent(
    table: DataTable[str | Text], device: Device, limit: int = 50, select: str | None = None
) -> None:
    """The newest engagements on this device (latest versions), with their sync state."""
    loadout = device.loadout
    if not table.columns:
        for label, width in RECENT_COLUMNS:
            table.add_column(_(label), width=width)
    keep = table.cursor_row
    table.clear()
    for rec, state in device.recent(limit):
        table.add_row(
            *row_as_written(
                (
                    record_time(rec, loadout),
                    venue_name(loadout, rec.venue),
                    people_short(rec.people, loadout.codes["genders"]),
                    labels(loadout.codes.indicators, rec.indicators),
                    labels(loadout.codes.outcomes, rec.outcomes),
                )
            ),
            as_written(_sync_word(state, rec.amends), "yellow" if state == "pending" else ""),
            key=rec.id,
            height=None,
        )
    if select is not None and select in table.rows:
        table.move_cursor(row=table.get_row_index(select))
    elif table.row_count:
        table.move_cursor(row=min(keep, table.row_count - 1))


def _sync_word(state: str, amends: str | None) -> str:
    word = _(SYNC_WORDS.get(state, state))
    return _("{state} amended").format(state=word) if amends else word
