"""The officer's aids: the loadout's helplines and leaflet, in English or Romanian, to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkit.errors import clip
from fieldkit.field.loadout import Loadout
from fieldkit.i18n import LANGUAGES, N_, choose_language, in_language

#: The longest helpline name, phone or hours, and leaflet text, shown (a loadout may be hostile).
LINE_MAX = 120
TEXT_MAX = 2000
#: The most helplines shown (a screen holds a handful).
HELPLINES_MAX = 12

WORDS: dict[str, str] = {
    "title": N_("Help is available"),
    "helplines": N_("Helplines (free to call)"),
    "leaflet": N_("Leaflet"),
    "kit_leaflet": N_("(the kit's leaflet: the playbook has none)"),
}
"""The aids screen's own words (in the catalogue; the helplines' names are proper names)."""

SELF_NAMES: dict[str, dict[str, str]] = {
    "en": {"other": "r: în română", "language": "English"},
    "ro": {"other": "e: in English", "language": "Română"},
}
"""Each language's name in itself, and the key to the other one in that one: not translated."""

KIT_LEAFLET_TEXT = N_(
    "Are you being forced to work, or to hand over your money or documents? You are not "
    "alone and help is available, whatever your immigration status. Call the Modern "
    "Slavery & Exploitation Helpline free on 08000 121 700, 24 hours a day, in your "
    "language. In an emergency call 999."
)

KIT_LEAFLET = {lang: in_language(lang, KIT_LEAFLET_TEXT) for lang in LANGUAGES}
"""The leaflet shown when the playbook has none (the national helpline's own words)."""


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    hours: str | None = None


@dataclass(frozen=True)
class Aids:
    """What the officer turns the screen toward the person to show."""

    helplines: tuple[Helpline, ...]
    leaflet: dict[str, str]
    #: True when the playbook had no leaflet and the kit's is shown.
    kit_leaflet: bool = False

    def words(self, language: str) -> dict[str, str]:
        """The screen's words in `language` (English for any other)."""
        language = choose_language(language)
        return {key: in_language(language, text) for key, text in WORDS.items()} | SELF_NAMES[
            language
        ]

    def leaflet_in(self, language: str) -> str:
        return self.leaflet.get(language) or self.leaflet["en"]


def aids_of(loadout: Loadout) -> Aids:
    """The loadout's helplines and leaflet, checked and cut to size; the kit's leaflet when
    the playbook has none, the national helpline when it lists none."""
    helplines = tuple(
        h for h in map(_helpline, _list(loadout.data.get("helplines"))) if h is not None
    )[:HELPLINES_MAX]
    if not helplines:
        helplines = (Helpline("Modern Slavery & Exploitation Helpline", "08000 121 700", "24/7"),)
    raw = loadout.data.get("leaflet")
    leaflet = {
        lang: _text(raw.get(lang), TEXT_MAX)
        for lang in LANGUAGES
        if isinstance(raw, dict) and _text(raw.get(lang), TEXT_MAX)
    }
    if "en" not in leaflet:
        return Aids(helplines, dict(KIT_LEAFLET), kit_leaflet=True)
    return Aids(helplines, leaflet)


def aids_text(aids: Aids, language: str) -> str:
    """The aids as plain text (for `fieldkit aids --print` and a printout)."""
    words = aids.words(language)
    lines = [words["title"], "", words["helplines"] + ":"]
    for h in aids.helplines:
        hours = f" ({h.hours})" if h.hours else ""
        lines.append(f"  {h.phone:<16} {h.name}{hours}")
    lines += ["", words["leaflet"] + ":", aids.leaflet_in(language)]
    if aids.kit_leaflet:
        lines.append(words["kit_leaflet"])
    return "\n".join(lines)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any, limit: int) -> str:
    """A string from the loadout as it may be shown: printable, one space between words."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    return clip(" ".join(str(value).split()), limit)


def _helpline(value: Any) -> Helpline | None:
    if not isinstance(value, dict):
        return None
    name, phone = _text(value.get("name"), LINE_MAX), _text(value.get("phone"), LINE_MAX)
    if not name or not phone:
        return None
    return Helpline(name, phone, _text(value.get("hours"), LINE_MAX) or None)
