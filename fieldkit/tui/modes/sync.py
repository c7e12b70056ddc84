"""Sync mode: devices and the central store (the sync screens come here)."""

from __future__ import annotations

from fieldkit.tui.modes.base import ModeScreen


class SyncMode(ModeScreen):
    """Moving records between devices and central, by network or by a bundle on a stick."""

    SUB_TITLE = "Sync"
    PURPOSE = (
        "Bring device logs into the central store and plan changes out to the devices: "
        "over HTTP when there is a connection, as bundle files carried by hand when not."
    )

    def holdings(self) -> str:
        if (self.workspace.sync / "central.db").is_file():
            return "Central store: sync/central.db is here."
        return (
            "Central store: sync/central.db does not exist yet.\n"
            "Make it with: fieldkit central init"
        )
