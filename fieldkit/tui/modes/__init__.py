"""The four modes of the app, one screen each: Plan, Log, Sync, Review."""

from fieldkit.tui.modes.log import LogMode
from fieldkit.tui.modes.plan import PlanMode
from fieldkit.tui.modes.review import ReviewMode
from fieldkit.tui.modes.sync import SyncMode

__all__ = ["LogMode", "PlanMode", "ReviewMode", "SyncMode"]
