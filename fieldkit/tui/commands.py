"""The fieldkit commands of the command palette (ctrl+p): open a playbook, modes, quick exit."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp


class FieldkitCommands(Provider):
    """Playbooks of the workspace, the modes, help and the quick exit, by name."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from fieldkit.tui.app import MODE_TITLES

        app = cast("FieldkitApp", self.app)
        found: list[tuple[str, Callable[[], object], str]] = [
            ("Quick exit", app.action_quick_exit, "Replace the screen with a neutral page (F12)"),
        ]
        for path in app.workspace.playbook_files():
            found.append(
                (
                    f"Open playbook {path.name}",
                    partial(app.open_playbook, path),
                    "Its text and its problems, each one jumps to its line",
                )
            )
        for mode, title in MODE_TITLES.items():
            found.append((f"Mode: {title}", partial(app.switch_mode, mode), f"Switch to {title}"))
        found.append(("Help: keys", app.action_help, "Every key of fieldkit"))
        return found

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
