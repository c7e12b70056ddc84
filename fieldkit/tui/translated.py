"""The footer's key descriptions in the language in use, translated as they are shown."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding, Binding

from fieldkit.i18n import _


class TranslatedBindings:
    """Mixed in before a Screen: its footer speaks the language in use (BINDINGS keep the
    English, marked with N_ for the catalogue; the app's language key redraws them at once)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        shown: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {
            key: active._replace(binding=translated(active.binding))
            for key, active in shown.items()
        }


def translated(binding: Binding) -> Binding:
    """The binding with its description, and its group's, in the language in use."""
    group = binding.group
    if group is not None:
        group = replace(group, description=_(group.description))
    return replace(binding, description=_(binding.description), group=group)
