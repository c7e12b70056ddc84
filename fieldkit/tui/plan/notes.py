"""Plan mode's note under the status: what was just done, said again in another language."""

from __future__ import annotations

from textual.widgets import Static

from fieldkit.i18n import N_, _
from fieldkit.tui.screens.mode import ModeScreen

PICK = N_("Pick a playbook to solve, or a planned operation to open (Enter).")
"""The note before anything is open."""

GIVEN = "{message}"
"""A note as given (an error from the core: not in the catalogue)."""


class NotedScreen(ModeScreen):
    """A mode with a note under its status (#solve-note), kept in English with its fields."""

    note: tuple[str, dict[str, object]] = (PICK, {})
    """The note under the status: its English and its fields (drawn again on F2)."""

    def say(
        self,
        note: str,
        *,
        severity: str = "information",
        toast: bool = False,
        **fields: object,
    ) -> None:
        """Put a note under the status; a toast too, but never over the neutral screen.
        `note` is English (marked N_), its `fields` are filled in after it is translated."""
        shown = self.put_note(note, fields)
        if toast and not getattr(self.app, "covered", False):
            self.notify(shown, severity=severity, markup=False)  # type: ignore[arg-type]

    def put_note(self, note: str, fields: dict[str, object]) -> str:
        """The note under the status, kept to be said again in another language."""
        self.note = (note, fields)
        shown = self.note_text()
        self.query_one("#solve-note", Static).update(shown)
        return shown

    def note_text(self) -> str:
        note, fields = self.note
        return _(note).format(**fields) if fields else _(note)
