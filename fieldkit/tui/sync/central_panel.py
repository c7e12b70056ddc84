"""Central's side of Sync mode: its devices, open problems and conflicts, as tables."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlcipher3
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, ngettext
from fieldkit.tui.as_written import row_as_written
from fieldkit.tui.services import AppServices
from fieldkit.tui.sync.words import counted, moment, plain_error

DEVICE_COLUMNS = (N_("Device"), N_("Team"), N_("Officer"), N_("Last seen"), N_("Records"),
                  N_("Status"))  # fmt: skip
PROBLEM_COLUMNS = (N_("Device"), N_("Kind"), N_("Record"), N_("Detail"), N_("Found"))
CONFLICT_COLUMNS = (N_("Amended record"), N_("One version (device)"),
                    N_("Other version (device)"), N_("Found"))  # fmt: skip


def read_conflicts(services: AppServices) -> list[dict[str, Any]]:
    """Records amended by two devices, both versions kept (central's conflicts table)."""
    with services.open_central() as store:
        return store.conflicts()


class CentralPanel(Vertical):
    """What central holds: devices with team, officer, last seen and records; problems."""

    def __init__(self, services: AppServices) -> None:
        super().__init__(classes="central-panel")
        self.services = services
        self.root = services.root

    def compose(self) -> ComposeResult:
        yield Static(_("Central"), classes="section-title")
        yield Static(id="central-facts", markup=False)
        yield Static(_("Devices"), classes="table-title")
        yield DataTable(id="devices", cursor_type="row", zebra_stripes=True)
        yield Static(id="problems-title", classes="table-title", markup=False)
        yield DataTable(id="problems", cursor_type="row")
        yield Static(id="conflicts-title", classes="table-title", markup=False)
        yield DataTable(id="conflicts", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#devices", DataTable).add_columns(*map(_, DEVICE_COLUMNS))
        self.query_one("#problems", DataTable).add_columns(*map(_, PROBLEM_COLUMNS))
        self.query_one("#conflicts", DataTable).add_columns(*map(_, CONFLICT_COLUMNS))
        self.refresh_status()

    def refresh_status(self) -> None:
        """Re-read central's status (a few local queries)."""
        facts = self.query_one("#central-facts", Static)
        try:
            status = self.services.central_status()
            conflicts = read_conflicts(self.services) if status is not None else []
        except (UserError, sqlite3.Error, sqlcipher3.Error) as exc:
            facts.update(
                _("sync/central.db is here, but it cannot be read as a central store:\n{problem}")
                .format(problem=plain_error(str(exc), self.root))
            )  # fmt: skip
            return
        if status is None:  # removed since the screen was built
            facts.update(_("sync/central.db is no longer here."))
            return
        open_problems: list[dict[str, Any]] = status["open_problems"]
        facts.update(
            _("sync/central.db is here: {devices}, {records}, {problems}, {conflicts}.").format(
                devices=counted(
                    ngettext("{count} device", "{count} devices", len(status["devices"])),
                    len(status["devices"]),
                ),
                records=counted(
                    ngettext("{count} record", "{count} records", status["records"]),
                    status["records"],
                ),
                problems=counted(
                    ngettext("{count} open problem", "{count} open problems", len(open_problems)),
                    len(open_problems),
                ),
                conflicts=counted(
                    ngettext("{count} conflict", "{count} conflicts", len(conflicts)),
                    len(conflicts),
                ),
            )
        )
        self.fill_devices(status["devices"])
        self.fill_problems(open_problems)
        self.fill_conflicts(conflicts)

    def fill_devices(self, devices: list[dict[str, Any]]) -> None:
        table = self.query_one("#devices", DataTable)
        table.clear()
        for d in devices:
            name = d["device"] or _("{id} (not synced yet)").format(id=d["id"])
            status = str(d["status"])
            if d["open_problems"]:
                status += " · " + counted(
                    ngettext("{count} problem", "{count} problems", d["open_problems"]),
                    d["open_problems"],
                )
            cells = (
                name,
                d["team"],
                d["officer"],
                moment(d["last_seen"]),
                f"{d['records']:,}",
                status,
            )
            table.add_row(*row_as_written(cells), key=str(d["id"]))
        table.display = bool(devices)
        if not devices:
            self.query_one("#central-facts", Static).update(
                _(
                    "sync/central.db is here, with no devices yet.\n"
                    "Enrol one with: fieldkit central enroll-device --team TEAM --officer OFFICER"
                )
            )

    def fill_problems(self, problems: list[dict[str, Any]]) -> None:
        table = self.query_one("#problems", DataTable)
        table.clear()
        for p in problems:
            cells = (
                p["device"] or "-",
                p["kind"],
                p["record"] or "-",
                p["detail"],
                moment(p["found_at"], never="-"),
            )
            table.add_row(*row_as_written(cells), key=str(p["n"]))
        title = _("Open problems") if problems else _("Open problems: none")
        self.query_one("#problems-title", Static).update(title)
        table.display = bool(problems)

    def fill_conflicts(self, conflicts: list[dict[str, Any]]) -> None:
        table = self.query_one("#conflicts", DataTable)
        table.clear()
        for n, c in enumerate(conflicts):
            cells = (
                c["amends"],
                f"{c['record_a']} ({c['device_a']})",
                f"{c['record_b']} ({c['device_b']})",
                moment(c["found_at"], never="-"),
            )
            table.add_row(*row_as_written(cells), key=str(n))
        title = (
            _("Conflicts (two devices amended the same record)")
            if conflicts
            else _("Conflicts: none")
        )
        self.query_one("#conflicts-title", Static).update(title)
        table.display = bool(conflicts)
