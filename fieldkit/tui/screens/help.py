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

from fieldkit.i18n import N_, _
from fieldkit.tui.keys import LANGUAGE, QUICK_EXIT
from fieldkit.tui.registry import HOME, NUMBERED
from fieldkit.tui.translated import TranslatedBindings

KEYS: list[tuple[str, str, str]] = [
    ("F12", N_("Quick exit"), N_("replaces the screen at once with a neutral weather page")),
    (HOME.key, HOME.title, N_("playbooks with their status, planned operations")),
    (" ".join(m.key for m in NUMBERED), N_("Modes"), ""),  # the modes' names, as shown
    (N_("? or F1"), N_("Help"), N_("this list")),
    ("ctrl+p", N_("Commands"), N_("open a playbook, switch mode, quick exit, help")),
    ("ctrl+q", N_("Quit"), N_("leave fieldkit")),
    ("enter", N_("Home"), N_("open the playbook under the cursor")),
    ("r", N_("Home"), N_("check every playbook again")),
    ("enter", N_("Playbook"), N_("on a problem: put the cursor on its line")),
    ("escape", N_("Playbook, help"), N_("go back")),
    ("o", N_("Plan"), N_("pick a playbook to solve or a plan in ops/ to open")),
    ("l", N_("Plan"), N_("lock or unlock the assignment under the cursor (re-solving keeps it)")),
    ("m", N_("Plan"), N_("move the assignment to another team (refused with the rule it breaks)")),
    ("r", N_("Plan"), N_("re-solve, keeping every lock")),
    ("e", N_("Plan"), N_("export the plan to ops/OP/ (plan.json, briefing, calendars, loadouts)")),
    ("n", N_("Log"), N_("log an engagement, prefilled from the visit under way")),
    ("a", N_("Log"), N_("amend the selected engagement (a new version naming the old)")),
    ("s", N_("Log"), N_("the selected visit started (or ended, when started): the activity log")),
    ("t", N_("Log"),
     N_("a handover note for the next shift (ctrl+s saves it in the activity log)")),
    ("d", N_("Log"), N_("the day's activity log in order: visits, engagements, referrals, notes")),
    ("l", N_("Log"),
     N_("the leaflet and helplines full screen, to show the person (e/r: English/Română)")),
    ("s", N_("Sync"), N_("sync now with central")),
    ("m", N_("Review"), N_("render the hotspot map and open it in the browser")),
    ("r", N_("Review"), N_("reload the summary")),
]  # fmt: skip
"""Every key (English, marked for the catalogue): shown in the language in use."""


def keys_table(unlock_word: str, more: Iterable[tuple[str, str, str]] = ()) -> Table:
    """Every key: the quick exit and how to come back first, then `KEYS`, then `more` (the
    keys of screens this one cannot import, e.g. the Log form's)."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column(_("Key"), style="bold")
    table.add_column(_("Where / what"))
    table.add_column(_("Does"))
    quick_exit, *rest = (shown(row) for row in KEYS)
    # How to come back sits right under the quick exit, where an officer looks for it.
    come_back = (
        unlock_word,
        _("Neutral page"),
        _("type {word} in its search box, then enter, to come back").format(word=unlock_word),
    )
    for row in (quick_exit, come_back, *rest, *(shown(row) for row in more)):
        table.add_row(*map(Text, row))  # Text: a cell is never read as markup
    return table


def shown(row: tuple[str, str, str]) -> tuple[str, str, str]:
    """A help row in the language in use (the modes' row names them as the footer does)."""
    key, where, does = row
    if where == "Modes":
        does = ", ".join(_(m.title) for m in NUMBERED)
    return _(key), _(where), _(does)


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """Key bindings, over the screen it was opened from; escape closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        QUICK_EXIT,
        Binding("escape,question_mark,f1", "app.pop_screen", N_("Close"), key_display="esc"),
        LANGUAGE,
    ]

    def __init__(self, unlock_word: str, more: Iterable[tuple[str, str, str]] = ()) -> None:
        super().__init__()
        self.unlock_word = unlock_word
        self.more = list(more)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(_("Keys"), classes="section-title")
            yield Static(keys_table(self.unlock_word, self.more), id="keys")
        yield Footer()

    async def relabel(self) -> None:
        """The keys again in the language in use (the app's language key)."""
        self.refresh_bindings()
        await self.recompose()
