"""The week as a grid: a row band per day, a column per team, each assignment a coloured block."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from fieldkit.i18n import N_, _, label
from fieldkit.plan.records import Assignment, Plan
from fieldkit.plan.rules import Rules
from fieldkit.tui.as_written import as_written
from fieldkit.tui.dates import shown_day

#: Colours of the venue types, given in the order of the types' codes (so always the same).
PALETTE = (
    "#e07a5f",
    "#5fb37a",
    "#5b9bd5",
    "#d4a72c",
    "#b57edc",
    "#2ab7a9",
    "#e0709a",
    "#9aa84a",
    "#c98a5a",
    "#7f8fa6",
)

DAY_WIDTH = 7
TEAM_WIDTH = 20
LOCKED = N_("locked")


def venue_colours(plan: Plan) -> dict[str, str]:
    """Venue type -> colour, for the types the plan's visits go to."""
    types = sorted({plan.playbook.venue(v.venue).type for v in plan.visits})
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}


def short(label: str) -> str:
    """A code's label without its explanation in brackets: "ANITP (Romania's ...)" -> "ANITP"."""
    return label.split(" (")[0]


def type_label(plan: Plan, venue_type: str) -> str:
    code = plan.playbook.codebook.venue_types.get(venue_type)
    return short(label(code)) if code else venue_type


def legend(plan: Plan) -> Text:
    """One line naming each venue type in its colour."""
    out = Text(_("Venue types: "), style="bold")
    for venue_type, colour in venue_colours(plan).items():
        out.append("■ ", style=colour)
        out.append(type_label(plan, venue_type) + "   ")
    return out


class WeekGrid(DataTable[Text]):
    """Days down, teams across; the cursor moves from block to block with the arrow keys."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False)
        self.plan: Plan | None = None
        self.slots: dict[tuple[int, int], str] = {}
        self.row_days: list[date] = []
        self.team_ids: list[str] = []

    def show(self, plan: Plan, keep: str | None = None) -> None:
        """Fill the grid from `plan`; put the cursor on visit `keep` if it is planned."""
        self.plan = plan
        self.clear(columns=True)
        self.slots, self.row_days = {}, []
        self.team_ids = [t.id for t in plan.playbook.teams]
        self.add_column(_("day"), width=DAY_WIDTH, key="day")
        for team_id in self.team_ids:
            self.add_column(as_written(team_id), width=TEAM_WIDTH, key=team_id)
        colours = venue_colours(plan)
        rules = Rules(plan.playbook)
        cells: dict[tuple[date, str], list[Assignment]] = defaultdict(list)
        for a in plan.assignments:
            cells[plan.visit(a.visit).day, a.team].append(a)
        for day in plan.playbook.operation.days:
            depth = max([len(cells[day, t]) for t in self.team_ids] + [1])
            for k in range(depth):
                row = [as_written(shown_day(day, "%a %d", "EEE d") if k == 0 else "")]
                for col, team_id in enumerate(self.team_ids, start=1):
                    todo = sorted(cells[day, team_id], key=lambda a: a.start)
                    if k < len(todo):
                        self.slots[len(self.row_days), col] = todo[k].visit
                        row.append(self.block(plan, todo[k], colours, rules))
                    else:
                        row.append(as_written(""))
                self.add_row(*row, height=2)
                self.row_days.append(day)
        if keep is not None:
            where = self.coordinate_of(keep)
            if where is not None:
                self.move_cursor(row=where.row, column=where.column, animate=False)

    @staticmethod
    def block(plan: Plan, a: Assignment, colours: dict[str, str], rules: Rules) -> Text:
        """An assignment's block: its time (and lock) over its venue, in its venue type's colour."""
        venue = plan.playbook.venue(plan.visit(a.visit).venue)
        colour = colours.get(venue.type, "white")
        out = Text("▌", style=colour)
        out.append(f"{rules.hhmm(a.start)}-{rules.hhmm(a.end)}", style=f"bold {colour}")
        if a.locked:
            out.append(" " + _(LOCKED), style="reverse")
        out.append("\n▌", style=colour)
        out.append(venue.id, style=colour)
        return out

    def coordinate_of(self, visit_id: str) -> Coordinate | None:
        for (row, col), vid in self.slots.items():
            if vid == visit_id:
                return Coordinate(row, col)
        return None

    def visit_at(self, where: Coordinate) -> str | None:
        return self.slots.get((where.row, where.column))

    def place_at(self, where: Coordinate) -> tuple[date | None, str | None]:
        """The day and team of a cell (team None in the day column)."""
        day = self.row_days[where.row] if 0 <= where.row < len(self.row_days) else None
        col = where.column
        team = self.team_ids[col - 1] if 1 <= col <= len(self.team_ids) else None
        return day, team

    @property
    def current_visit(self) -> str | None:
        return self.visit_at(self.cursor_coordinate) if self.row_count else None
