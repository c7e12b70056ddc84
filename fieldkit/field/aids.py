"""The officer's aids: the loadout's helplines and leaflet, in English or Romanian, to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkit.errors import clip
from fieldkit.field.loadout import Loadout

LANGUAGES = ("en", "ro")
"""The languages the aids are shown in (the leaflet's)."""

#: The longest helpline name, phone or hours, and leaflet text, shown (a loadout may be hostile).
LINE_MAX = 120
TEXT_MAX = 2000
#: The most helplines shown (a screen holds a handful).
HELPLINES_MAX = 12

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Help is available",
        "helplines": "Helplines (free to call)",
        "leaflet": "Leaflet",
        "kit_leaflet": "(the kit's leaflet: the playbook has none)",
        "other": "r: în română",
        "language": "English",
    },
    "ro": {
        "title": "Puteți primi ajutor",
        "helplines": "Linii telefonice de ajutor (apel gratuit)",
        "leaflet": "Pliant",
        "kit_leaflet": "(pliantul standard: planul operațiunii nu are unul)",
        "other": "e: in English",
        "language": "Română",
    },
}
"""The aids screen's own words in each language (the helplines' names are proper names)."""

KIT_LEAFLET = {
    "en": (
        "Are you being forced to work, or to hand over your money or documents? You are not "
        "alone and help is available, whatever your immigration status. Call the Modern "
        "Slavery & Exploitation Helpline free on 08000 121 700, 24 hours a day, in your "
        "language. In an emergency call 999."
    ),
    "ro": (
        "Sunteți obligat să munciți sau să vă predați banii ori actele? Nu sunteți singur și "
        "puteți primi ajutor, indiferent de statutul dumneavoastră. Sunați gratuit la Modern "
        "Slavery & Exploitation Helpline, 08000 121 700, 24 de ore din 24, în limba "
        "dumneavoastră. În caz de urgență sunați la 999."
    ),
}
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
        return WORDS[language if language in LANGUAGES else "en"]

    def leaflet_in(self, language: str) -> str:
        return self.leaflet.get(language) or self.leaflet["en"]


def choose_language(given: str | None) -> str:
    """`en` or `ro` from a language option or FIELDKIT_LANG (`ro_RO.UTF-8` is `ro`)."""
    if not given:
        return "en"
    short = given.strip().lower()[:2]
    return short if short in LANGUAGES else "en"


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
