"""FieldkitApp: the home screen, the four modes, help, the command palette and the quick exit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import WorkerCancelled, WorkerFailed

from fieldkit.field.enroll import device_language
from fieldkit.i18n import N_, _, language, language_from_env, set_language
from fieldkit.tui.commands import FieldkitCommands
from fieldkit.tui.keys import LANGUAGE_KEY, QUICK_EXIT_KEY, UNLOCK_WORD
from fieldkit.tui.log.form_saving import SAVE_GROUP
from fieldkit.tui.log.keymap import form_keys
from fieldkit.tui.log.mode import LogMode
from fieldkit.tui.plan.mode import PlanMode
from fieldkit.tui.registry import mode_bindings
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.neutral import NEUTRAL_TITLE, NeutralScreen
from fieldkit.tui.screens.passphrase import FIRST_WAIT, PassphraseScreen
from fieldkit.tui.screens.playbook import PlaybookScreen
from fieldkit.tui.services import AppServices
from fieldkit.tui.sync.mode import SyncMode
from fieldkit.workspace import Workspace

COVER = "cover"
"""The mode that holds only the neutral screen, so nothing of fieldkit is under it."""

LOCKED = "locked"
"""The mode that holds only the passphrase screen: a device's app starts there, and comes back
there from the quick exit."""

ALLOWED_UNDER_COVER = frozenset({"quick_exit", "quit", "focus_next", "focus_previous"})
"""App actions that still work on the neutral screen: nothing there may lead back by accident."""


class FieldkitApp(App[None]):
    """The app over one workspace, whose stores it opens through the services it is given."""

    TITLE = "fieldkit"
    CSS_PATH = "app.tcss"
    DEFAULT_MODE = "home"
    # A field device's terminal (80×24) gets Screen.-narrow and Screen.-short: the styles that
    # keep every mode usable there (app.tcss, plan.tcss, log.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual's)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    COMMANDS = App.COMMANDS | {FieldkitCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(QUICK_EXIT_KEY, "quick_exit", N_("Quick exit"), key_display="F12", priority=True),
        # Textual's ctrl+q is a priority binding, acted on as it arrives: "ctrl+s ctrl+q" typed
        # quickly would quit before the save. Here it comes in turn, after the keys before it.
        Binding("ctrl+q", "quit", N_("Quit"), show=False),
        # Not in the footer (80 columns): docs/translating.md and the README name it.
        Binding(LANGUAGE_KEY, "switch_language", N_("English / Română"), show=False),
        *mode_bindings(),
        Binding("question_mark,f1", "help", N_("Help"), key_display="?"),
    ]

    def __init__(
        self,
        services: AppServices,
        *,
        unlock_word: str = UNLOCK_WORD,
        now: Callable[[], datetime] | None = None,
        first_wait: float = FIRST_WAIT,
    ) -> None:
        self.on_device = services.has_device()
        chosen = device_language(services.root) if self.on_device else None
        if chosen is not None and not language_from_env():
            set_language(chosen)  # the device's, from the passphrase screen on
        if self.on_device and not services.device_unlocked():
            # Nothing of the device is composed before its passphrase has opened it.
            setattr(self, "DEFAULT_MODE", LOCKED)  # noqa: B010 (read by App.__init__)
        super().__init__()
        self.services = services
        self.workspace: Workspace = services.workspace
        self.unlock_word = unlock_word
        self.mode_before_cover: str | None = None
        self.add_mode("home", lambda: HomeScreen(services))
        self.add_mode("plan", lambda: PlanMode(services))
        self.add_mode("log", lambda: LogMode(services, now=now))
        self.add_mode("sync", lambda: SyncMode(services))
        self.add_mode("review", lambda: ReviewMode(services, now=now))
        self.add_mode(COVER, lambda: NeutralScreen(unlock_word))
        self.add_mode(LOCKED, lambda: PassphraseScreen(services.unlock_device, first_wait))
        self.mode_after_unlock: str | None = None

    @property
    def covered(self) -> bool:
        """Is the neutral screen showing?"""
        return self.current_mode == COVER

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        hidden = self.covered or self.current_mode == LOCKED
        if hidden and action not in ALLOWED_UNDER_COVER:
            return False
        return True

    async def action_quit(self) -> None:
        """Quit once any engagement being saved is stored: a save is never cut off."""
        for worker in [w for w in self.workers if w.group == SAVE_GROUP and not w.is_finished]:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass  # the form has said why; nothing more to wait for
        self.exit()

    def action_quick_exit(self) -> None:
        """Replace whatever is showing with the neutral screen, in one key press."""
        if self.covered:
            return
        if self.on_device:
            self.services.lock_device()  # coming back needs the passphrase
        self.mode_before_cover = self.current_mode
        self.clear_notifications()
        self.title, self.sub_title = _(NEUTRAL_TITLE), ""
        self.switch_mode(COVER)

    def on_neutral_screen_unlocked(self, _message: NeutralScreen.Unlocked) -> None:
        if not self.covered:
            return
        self.title, self.sub_title = self.TITLE, ""
        back = self.mode_before_cover or "home"
        self.mode_before_cover = None
        if self.on_device:
            self.mode_after_unlock = back if back != LOCKED else self.mode_after_unlock
            self.switch_mode(LOCKED)
            return
        self.switch_mode(back)

    def on_passphrase_screen_unlocked(self, _message: PassphraseScreen.Unlocked) -> None:
        if self.current_mode != LOCKED:
            return
        self.switch_mode(self.mode_after_unlock or "home")
        self.mode_after_unlock = None

    async def action_switch_language(self) -> None:
        """English to Romanian and back, at once: the screen is drawn again in the other one
        (a form keeps what is typed in it; its keys' names change)."""
        set_language("en" if language() == "ro" else "ro")
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if isinstance(screen, PassphraseScreen):
                await screen.recompose()
            elif relabel is not None:
                await relabel()  # a mode, Home, help, a playbook, the day log: drawn again
            else:
                screen.refresh_bindings()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.unlock_word, form_keys()))

    def open_playbook(self, path: Path) -> None:
        """Show a playbook's text and problems over the current screen."""
        self.push_screen(PlaybookScreen(path, self.workspace))
