"""Log mode: an officer logs engagements on an enrolled device (the log screens come here)."""

from __future__ import annotations

from fieldkit.tui.modes.base import ModeScreen

DEVICE_FOLDER = "device"
"""The folder an enrolled device keeps its team's plan and its own store in."""


class LogMode(ModeScreen):
    """The officer's mode: one engagement logged in seconds, even with no signal."""

    SUB_TITLE = "Log"
    PURPOSE = (
        "Log each engagement in seconds: venue, people engaged (no names), signs of "
        "exploitation seen, and what was done (leaflet, helpline, NRM referral...)."
    )

    def holdings(self) -> str:
        device = self.workspace.root / DEVICE_FOLDER
        if not device.is_dir():
            return (
                "No device enrolled in this workspace.\n"
                "Enroll one from a loadout with: fieldkit device enroll LOADOUT"
            )
        return f"This workspace is an enrolled device ({DEVICE_FOLDER}/): its log is kept there."
