"""The footer's key descriptions in the language in use, translated as they are shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual.binding import ActiveBinding, Binding

from fieldkit.i18n import _, pgettext

# msgctxt "footer" (written out: pybabel reads only literal strings): a key's shorter word in
# the footer, where a Romanian footer must hold in 80 columns what English says in fewer letters.
SHORTER_IN_FOOTER: dict[str, Callable[[], str]] = {
    "Quick exit": lambda: pgettext("footer", "Quick exit"),
    "Amend": lambda: pgettext("footer", "Amend"),
    "Back to Review": lambda: pgettext("footer", "Back to Review"),
}
"""The keys whose footer word may be shorter than their name elsewhere (help, palette)."""


class TranslatedBindings:
    """Mixed in before a Screen: its footer speaks the language in use (BINDINGS keep the
    English, marked with N_ for the catalogue; the app's language key redraws them at once)."""

    FOOTER_LEAVES: ClassVar[frozenset[str]] = frozenset()
    """Keys whose hint this screen leaves to the help screen (its own keys need the room)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        shown: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {
            key: active._replace(binding=translated(active.binding, key not in self.FOOTER_LEAVES))
            for key, active in shown.items()
        }


def footer_word(description: str) -> str:
    """A key's description as the footer shows it, in the language in use."""
    shorter = SHORTER_IN_FOOTER.get(description)
    word = shorter() if shorter is not None else description
    return word if word != description else _(description)


def translated(binding: Binding, show: bool = True) -> Binding:
    """The binding with its description, and its group's, in the language in use (hidden
    from the footer unless `show`)."""
    group = binding.group
    if group is not None:
        group = replace(group, description=_(group.description))
    return replace(
        binding,
        description=footer_word(binding.description),
        group=group,
        show=binding.show and show,
    )
