"""Key bindings every screen shares: the quick exit, shown first in each footer."""

from __future__ import annotations

from textual.binding import Binding

from fieldkit.i18n import N_

QUICK_EXIT_KEY = "f12"
"""One key, at the corner of the function row, that hides the app at once.

F10 opens the menu in several terminals and F11 toggles full screen; F12 reaches the app.
"""

QUICK_EXIT = Binding(QUICK_EXIT_KEY, "app.quick_exit", N_("Quick exit"), key_display="F12")
"""The screen-level copy of the app's priority binding: it puts "Quick exit" first in the footer."""

LANGUAGE_KEY = "f2"
"""English to Romanian and back, at once, on every screen (the app's key)."""

LANGUAGE = Binding(LANGUAGE_KEY, "app.switch_language", N_("English / Română"), show=False)
"""The app's language key on a modal screen, where the app's own bindings do not reach."""

UNLOCK_WORD = "resume"
"""Typed into the neutral page's search box (then Enter), it brings the app back."""
