"""The app's modes and palette commands in one place: names, titles, keys, what each runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple, Protocol

from textual.binding import Binding

from fieldkit.i18n import N_, _
from fieldkit.workspace import Workspace

MODES_GROUP = Binding.Group(N_("Modes"), compact=True)


@dataclass(frozen=True)
class Mode:
    """A mode of the app: its name (for switch_mode), its title and the key that shows it."""

    name: str
    title: str
    key: str
    grouped: bool = True
    """Shown in the footer's "Modes" group (the numbered modes) rather than on its own."""


HOME = Mode("home", N_("Home"), "h", grouped=False)

NUMBERED: tuple[Mode, ...] = (
    Mode("plan", N_("Plan"), "1"),
    Mode("log", N_("Log"), "2"),
    Mode("sync", N_("Sync"), "3"),
    Mode("review", N_("Review"), "4"),
)
"""The four working modes, each on a digit."""

MODES: tuple[Mode, ...] = (HOME, *NUMBERED)

MODE_TITLES: dict[str, str] = {mode.name: mode.title for mode in MODES}

MODE_KEYS = ",".join(mode.key for mode in MODES)
"""Every key that switches mode ("h,1,2,3,4"), for a screen that must swallow them."""


def mode_bindings() -> list[Binding]:
    """The app's key for each mode, the numbered ones grouped in the footer."""
    return [
        Binding(
            mode.key,
            f"switch_mode('{mode.name}')",
            mode.title,
            group=MODES_GROUP if mode.grouped else None,
        )
        for mode in MODES
    ]


class AppActions(Protocol):
    """What the palette's commands ask of the app."""

    @property
    def workspace(self) -> Workspace: ...

    def action_quick_exit(self) -> None: ...

    def open_playbook(self, path: Path) -> None: ...

    def switch_mode(self, mode: str) -> object: ...

    def action_help(self) -> None: ...


class PaletteCommand(NamedTuple):
    """One command of the command palette (ctrl+p): its name, what it runs, a line of help."""

    name: str
    run: Callable[[], object]
    help: str


def palette_commands(app: AppActions) -> list[PaletteCommand]:
    """The quick exit, each playbook of the workspace, each mode, then help, in that order."""
    found = [
        PaletteCommand(
            _("Quick exit"),
            app.action_quick_exit,
            _("Replace the screen with a neutral page (F12)"),
        )
    ]
    found += [
        PaletteCommand(
            _("Open playbook {name}").format(name=path.name),
            partial(app.open_playbook, path),
            _("Its text and its problems, each one jumps to its line"),
        )
        for path in app.workspace.playbook_files()
    ]
    found += [
        PaletteCommand(
            _("Mode: {mode}").format(mode=_(mode.title)),
            partial(app.switch_mode, mode.name),
            _("Switch to {mode}").format(mode=_(mode.title)),
        )
        for mode in MODES
    ]
    found.append(PaletteCommand(_("Help: keys"), app.action_help, _("Every key of fieldkit")))
    return found
