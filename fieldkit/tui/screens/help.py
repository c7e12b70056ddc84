"""The help screen: every key of fieldkit, the quick exit first, and how to come back from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fieldkit.tui.keys import QUICK_EXIT
from fieldkit.tui.registry import HOME, NUMBERED

KEYS: list[tuple[str, str, str]] = [
    ("F12", "Quick exit", "replaces the screen at once with a neutral weather page"),
    (HOME.key, HOME.title, "playbooks with their status, planned operations"),
    (" ".join(m.key for m in NUMBERED), "Modes", ", ".join(m.title for m in NUMBERED)),
    ("? or F1", "Help", "this list"),
    ("ctrl+p", "Commands", "open a playbook, switch mode, quick exit, help"),
    ("ctrl+q", "Quit", "leave fieldkit"),
    ("enter", "Home", "open the playbook under the cursor"),
    ("r", "Home", "check every playbook again"),
    ("enter", "Playbook", "on a problem: put the cursor on its line"),
    ("escape", "Playbook, help", "go back"),
    ("o", "Plan", "pick a playbook to solve or a plan in ops/ to open"),
    ("l", "Plan", "lock or unlock the assignment under the cursor (re-solving keeps it)"),
    ("m", "Plan", "move the assignment to another team (refused with the rule it breaks)"),
    ("r", "Plan", "re-solve, keeping every lock"),
    ("e", "Plan", "export the plan to ops/OP/ (plan.json, briefing, calendars, loadouts)"),
    ("n", "Log", "log an engagement, prefilled from the visit under way"),
    ("a", "Log", "amend the selected engagement (a new version naming the old)"),
    ("s", "Log", "the selected visit started (or ended, when started): the activity log"),
    ("t", "Log", "a handover note for the next shift (ctrl+s saves it in the activity log)"),
    ("d", "Log", "the day's activity log in order: visits, engagements, referrals, notes"),
    ("l", "Log", "the leaflet and helplines full screen, to show the person (e/r: English/Română)"),
    ("s", "Sync", "sync now with central"),
    ("m", "Review", "render the hotspot map and open it in the browser"),
    ("r", "Review", "reload the summary"),
]


def keys_table(unlock_word: str, more: Iterable[tuple[str, str, str]] = ()) -> Table:
    """Every key: the quick exit and how to come back first, then `KEYS`, then `more` (the
    keys of screens this one cannot import, e.g. the Log form's)."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", style="bold")
    table.add_column("Where / what")
    table.add_column("Does")
    quick_exit, *rest = KEYS
    # How to come back sits right under the quick exit, where an officer looks for it.
    come_back = (
        unlock_word,
        "Neutral page",
        f"type {unlock_word} in its search box, then enter, to come back",
    )
    for row in (quick_exit, come_back, *rest, *more):
        table.add_row(*map(Text, row))  # Text: a cell is never read as markup
    return table


class HelpScreen(ModalScreen[None]):
    """Key bindings, over the screen it was opened from; escape closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("escape,question_mark,f1", "app.pop_screen", "Close", key_display="esc"),
    ]

    def __init__(self, unlock_word: str, more: Iterable[tuple[str, str, str]] = ()) -> None:
        super().__init__()
        self.unlock_word = unlock_word
        self.more = list(more)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("Keys", classes="section-title")
            yield Static(keys_table(self.unlock_word, self.more), id="keys")
        yield Footer()
