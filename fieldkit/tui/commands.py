"""The fieldkit commands of the command palette (ctrl+p): open a playbook, modes, quick exit."""

from __future__ import annotations

from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from fieldkit.tui.registry import AppActions, PaletteCommand, palette_commands


class FieldkitCommands(Provider):
    """Playbooks of the workspace, the modes, help and the quick exit, by name."""

    def _commands(self) -> list[PaletteCommand]:
        return palette_commands(cast("AppActions", self.app))

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(Content(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), run, text=name, help=help_text)


def highlighted(matcher: Matcher, name: str) -> Content:
    """`name` as written (a playbook's file name may look like markup), the letters matching
    the query highlighted: Matcher.highlight would read `name` as markup."""
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    content = Content(name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
