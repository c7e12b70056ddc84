"""The GPS fix state in Log mode's header: a fix and its accuracy, or why the venue is used."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.widgets import Static

from fieldkit.field.gps import FixState, current_fix, gpsd_address
from fieldkit.i18n import _

#: How often the header asks gpsd again, in seconds.
POLL_S = 10.0


def header_text(state: FixState) -> str:
    """A few words for the header: the fix, GPS off, or no fix (records use the venue)."""
    if state.fix is not None:
        return state.fix.text()
    if not state.configured:
        return _("GPS off")
    return _("GPS: no fix, venue position used")


class GpsStatus(Static):
    """Asks gpsd (FIELDKIT_GPSD) in a thread now and every POLL_S seconds; never blocks."""

    DEFAULT_CSS = """
    GpsStatus { width: auto; padding: 0 2; }
    GpsStatus.fixed { color: $success; }
    GpsStatus.lost { color: $warning; }
    """

    def __init__(self, locate: Callable[[], FixState] = current_fix, **kwargs: object) -> None:
        super().__init__("GPS …", markup=False, **kwargs)  # type: ignore[arg-type]
        self.locate = locate
        self.state: FixState | None = None

    def on_mount(self) -> None:
        try:
            configured = gpsd_address() is not None
        except ValueError:
            configured = True  # a bad address: the look says what is wrong
        if not configured:
            self.show(FixState(None, None, configured=False))
            return
        self.look()
        self.set_interval(POLL_S, self.look)

    @work(thread=True, exclusive=True, group="gps")
    def look(self) -> None:
        state = self.locate()
        self.app.call_from_thread(self.show, state)

    def show(self, state: FixState) -> None:
        self.state = state
        self.update(header_text(state))
        self.set_class(state.fix is not None, "fixed")
        self.set_class(state.configured and state.fix is None, "lost")
        self.tooltip = state.text()
