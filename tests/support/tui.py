"""The app as a test sees it: the terminal size, waiting until it settles, what the screen shows,
and the neutral cover the quick exit must show."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.worker import WorkerCancelled

from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.neutral import NeutralScreen

SIZE = (100, 32)

FORBIDDEN_ON_COVER = (
    "fieldkit",
    "playbook",
    "traffick",
    "slavery",
    "police",
    "patrol",
    "barnet",
    "operation",
    "quick exit",
    "workspace",
    "resume",
    "nrm",
    "broken",
    "problem",
    "plan",
    "review",
)
"""Words that must never be visible on the neutral screen (lower case)."""


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker (playbook checks) finish and the screen refresh.

    On a loaded machine a worker may start only after the first pause, and its results arrive
    through call_from_thread: wait until none runs and no status still says "checking" (or,
    in Romanian, "se verifică").
    """
    for _ in range(100):
        await pilot.pause()
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker replaced by a newer one (a refresh): it is done with
        await pilot.pause()
        busy = any(worker.is_running for worker in pilot.app.workers)
        shown = visible_text(pilot.app)
        if not busy and "checking" not in shown and "se verifică" not in shown:
            return
        await pilot.pause(0.05)


def visible_text(app: App[None]) -> str:
    """Everything the terminal shows right now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_covered(app: FieldkitApp) -> None:
    """The quick exit's neutral page is up and nothing of fieldkit shows."""
    assert isinstance(app.screen, NeutralScreen)
    text = visible_text(app)
    assert "London" in text and "14°C" in text
    lowered = text.lower()
    assert [word for word in FORBIDDEN_ON_COVER if word in lowered] == []
    assert app.title == "Weather"


def footer_fits(app: App[None]) -> list[str]:
    """The footer's keys that are cut or off the screen (none, when it fits)."""
    footer = app.screen.query_one(Footer)
    keys = [k for k in footer.query("FooterKey") if k.display]
    assert keys, "the footer shows no key"
    width = app.size.width
    cut = [str(k.render()) for k in keys if k.region.right > width or k.region.width == 0]
    shown = visible_text(app).splitlines()[-1]
    return cut + [d for k in keys if (d := k.description) and d not in shown]  # type: ignore[attr-defined]
