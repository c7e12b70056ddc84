"""The Textual app: screens and styles over the headless core."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from fieldkit.tui.app import FieldkitApp
    from fieldkit.tui.services import AppServices
    from fieldkit.workspace import Workspace


def make_app(
    workspace: Workspace,
    *,
    services: AppServices | None = None,
    unlock_word: str | None = None,
    now: Callable[[], datetime] | None = None,
    first_wait: float | None = None,
) -> FieldkitApp:
    """The one factory that builds the app, for the CLI and for the tests.

    The app opens the workspace's stores through `services` (default: AppServices over
    `workspace`); a test may pass its own. `now` is the clock Log mode reads (default: the
    device's own); tests fix it. `first_wait`: the passphrase screen's first wait (seconds).
    """
    from fieldkit.tui.app import FieldkitApp
    from fieldkit.tui.keys import UNLOCK_WORD
    from fieldkit.tui.services import AppServices

    given = services if services is not None else AppServices(workspace)
    word = unlock_word or UNLOCK_WORD
    if first_wait is None:
        return FieldkitApp(given, unlock_word=word, now=now)
    return FieldkitApp(given, unlock_word=word, now=now, first_wait=first_wait)
