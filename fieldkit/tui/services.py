"""What the app opens stores with: the workspace's device, central store and plan folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldkit.central.access_log import LOCAL_ROLE, record_access
from fieldkit.central.followups import FollowUp, add_event, follow_ups, os_user
from fieldkit.central.store import Central, central_path, central_status
from fieldkit.field.device import Device
from fieldkit.field.overview import DeviceOverview, is_device, overview
from fieldkit.field.unlock import forget_passphrase, give_passphrase, passphrase_given
from fieldkit.plan.locks import Lock
from fieldkit.plan.progress import ProgressCallback
from fieldkit.plan.service import (
    PlanOptions,
    PlanSession,
    PlanStart,
    solve_playbook,
    write_operation,
)
from fieldkit.plan.session import open_operation
from fieldkit.sync.device_side import summary
from fieldkit.workspace import Workspace

if TYPE_CHECKING:
    from fieldkit.sync.client import SyncReport

SyncProgress = Callable[[str, int, int], None]
"""(phase, done, total) of a sync: "push" then "pull"."""

MapProgress = Callable[[str], None]
"""The name of each step of rendering a map, as it starts."""


@dataclass(frozen=True)
class AppServices:
    """The stores of one workspace, opened for the app's screens; a test may pass its own."""

    workspace: Workspace

    @property
    def root(self) -> Path:
        return self.workspace.root

    # -- the device --------------------------------------------------------------------

    def has_device(self) -> bool:
        """Has this workspace been enrolled as a field device (it has a device/ folder)?"""
        return is_device(self.root)

    def unlock_device(self, passphrase: str) -> None:
        """Open the device with `passphrase` (a UserError when it is not its) and keep the
        passphrase for this process, so the app's screens open the device with it."""
        Device.open(self.root, passphrase).close()
        give_passphrase(passphrase)

    def device_unlocked(self) -> bool:
        """Has this process the device's passphrase already (typed on the passphrase screen)?"""
        return passphrase_given()

    def lock_device(self) -> None:
        """Forget the passphrase and the keys it unwrapped: the device needs it again."""
        forget_passphrase()

    def open_device(self) -> Device:
        """The workspace's device, open (the caller closes it); UserError if it cannot be."""
        return Device.open(self.root)

    def device_overview(self) -> DeviceOverview:
        """Which device and team, and how many of its records wait to sync."""
        return overview(self.root)

    def device_sync_state(self) -> dict[str, Any]:
        """The device's sync state: its central, last sync, records per state, last error."""
        return summary(self.root)

    def sync_device(self, progress: SyncProgress) -> SyncReport:
        """Push the device's records to its central and pull plan changes."""
        from fieldkit.sync.client import sync_now  # httpx: loaded when first needed

        return sync_now(self.root, progress=progress)

    # -- central -----------------------------------------------------------------------

    def has_central(self) -> bool:
        """Does this workspace hold a central store (sync/central.db)?"""
        return central_path(self.workspace.sync).exists()

    def central_status(self) -> dict[str, Any] | None:
        """Central's devices, record count and open problems; None without a central store."""
        return central_status(self.workspace.sync)

    def open_central(self) -> Central:
        """The workspace's central store, open (the caller closes it)."""
        return Central(central_path(self.workspace.sync))

    def log_read(self, what: str, op: str | None, count: int, store: Central | None = None) -> None:
        """An access-log entry for a look at central's data from the app, naming the OS user."""
        if store is None:
            if not self.has_central():
                return
            with self.open_central() as opened:
                self.log_read(what, op, count, opened)
            return
        with store.lock:
            record_access(
                store.conn, who=os_user(), role=LOCAL_ROLE, what=what, operation=op,
                count=count, purpose=None, via="app",
            )  # fmt: skip

    def open_follow_ups(self, now: datetime | None = None) -> list[FollowUp]:
        """Central's open follow-ups, every operation, oldest first."""
        with self.open_central() as store:
            found = follow_ups(store, now=now)
            self.log_read("followups", None, len(found), store)
            return found

    def add_follow_up_event(
        self, person: str, status: str, partner: str | None, now: datetime | None = None
    ) -> FollowUp:
        """Append a status event to a person referred, entered by this machine's user."""
        with self.open_central() as store:
            done = add_event(store, person, status, partner, os_user(), now=now)
            self.log_read("followups update", done.operation, 1, store)
            return done

    # -- the plan folder (ops/) and what is made from it -------------------------------

    def solve_plan(
        self,
        playbook: Path,
        *,
        op: str | None,
        locks: list[Lock] | None,
        time_limit: float,
        seed: int,
        progress: ProgressCallback,
        start: PlanStart | None = None,
    ) -> PlanSession:
        """Solve a playbook (keeping `locks`) into a plan held in memory, not yet exported;
        `start` is the previous plan, the stop switch and the days already proven."""
        start = start or PlanStart()
        options = PlanOptions(op=op, time_limit=time_limit, seed=seed, locks=locks,
                              hint=start.hint, stop=start.stop, memo=start.memo)  # fmt: skip
        return solve_playbook(self.workspace, playbook, options, progress=progress)

    def open_plan(self, op: str) -> PlanSession:
        """The plan in ops/OP/plan.json, back in memory."""
        return open_operation(self.workspace, op)

    def export_plan(self, session: PlanSession) -> tuple[str, list[str]]:
        """Write the plan to ops/OP/: the folder as shown and the files written."""
        written = write_operation(self.workspace, session)
        return written.shown, written.files

    def operation_summary(self, op: str) -> dict[str, Any]:
        """An operation's summary from its plan and central's records, writing nothing."""
        from fieldkit.maps.service import build_summary_for

        summary = build_summary_for(self.workspace, op)
        self.log_read("report", op, int(summary["totals"]["engagements"]))
        return summary

    def render_map(self, op: str, progress: MapProgress) -> list[Path]:
        """Write maps/OP/hotspots.html and its exports; the map first."""
        from fieldkit.maps.service import build_map_files

        read: list[int] = []
        paths = build_map_files(self.workspace, op, progress=progress, counted=read.append)
        self.log_read("map", op, sum(read))
        return paths
