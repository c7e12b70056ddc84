"""The passphrase screen: the app on a device shows nothing until the officer's passphrase opens
its store; three wrong tries make the officer wait, longer after each further wrong one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from fieldkit.errors import UserError
from fieldkit.i18n import _, ngettext

#: Wrong tries before the first wait; the wait doubles with each wrong try after that.
FREE_TRIES = 3
FIRST_WAIT = 30.0


def wait_after(wrong: int, first_wait: float = FIRST_WAIT) -> float:
    """Seconds to wait after `wrong` wrong tries in a row (0 while tries are free)."""
    if wrong < FREE_TRIES:
        return 0.0
    return first_wait * 2 ** (wrong - FREE_TRIES)


class PassphraseScreen(Screen[None]):
    """A password box; `unlock(passphrase)` opens the device (a UserError when it does not)."""

    CSS_PATH = "passphrase.tcss"
    AUTO_FOCUS = "#passphrase"

    @dataclass
    class Unlocked(Message):
        """The passphrase opened the device: the app may show it."""

    def __init__(self, unlock: Callable[[str], None], first_wait: float = FIRST_WAIT) -> None:
        super().__init__()
        self._unlock = unlock
        self._first_wait = first_wait
        self.wrong = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="lock"):
            yield Static("fieldkit", id="brand")
            yield Static(_("This device is locked. Type its passphrase, then Enter."), id="ask")
            yield Input(password=True, placeholder=_("Passphrase"), id="passphrase")
            yield Static("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value
        event.input.clear()
        if not typed or event.input.disabled:
            return
        try:
            self._unlock(typed)
        except UserError as exc:
            self.wrong += 1
            self._refuse(exc)
            return
        self.wrong = 0
        self.post_message(self.Unlocked())

    def _refuse(self, exc: UserError) -> None:
        problem = self.query_one("#problem", Static)
        wait = wait_after(self.wrong, self._first_wait)
        said = _("Wrong passphrase.") if "wrong passphrase" in str(exc) else str(exc)
        if not wait:
            left = FREE_TRIES - self.wrong
            problem.update(
                ngettext(
                    "{said} {left} more try before a wait.",
                    "{said} {left} more tries before a wait.",
                    left,
                ).format(said=said, left=left)
            )
            return
        box = self.query_one("#passphrase", Input)
        box.disabled = True
        problem.update(
            _("{said} Wait {wait} s before trying again.").format(said=said, wait=f"{wait:.0f}")
        )

        def again() -> None:
            box.disabled = False
            box.focus()
            problem.update(_("Try again."))

        self.set_timer(wait, again)
