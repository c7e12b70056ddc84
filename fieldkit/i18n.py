"""The message catalogue: what the app and the CLI say, in English or Romanian (gettext, Babel)."""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ro")
"""The languages fieldkit speaks; English is the source text, Romanian is in locale/ro."""

DOMAIN = "fieldkit"
LOCALE_DIR = Path(__file__).parent / "locale"

CONTEXT_SEPARATOR = "\x04"
"""Between a message's context and its text in the catalogue's keys (as GNU gettext has it)."""

_chosen: str | None = None


def choose_language(given: str | None) -> str:
    """`en` or `ro` from a language option, a device setting or FIELDKIT_LANG (`ro_RO.UTF-8`
    is `ro`); anything else is English."""
    if not given:
        return "en"
    short = given.strip().lower()[:2]
    return short if short in LANGUAGES else "en"


def language() -> str:
    """The language in use: as set (the app's key, the device's setting), else FIELDKIT_LANG."""
    return _chosen or choose_language(os.environ.get("FIELDKIT_LANG"))


def set_language(given: str | None) -> str:
    """Speak `given` from now on (None: back to FIELDKIT_LANG); returns the language in use."""
    global _chosen
    _chosen = choose_language(given) if given else None
    return language()


def language_from_env() -> bool:
    """Did FIELDKIT_LANG choose the language (so a device's setting gives way to it)?"""
    return bool(os.environ.get("FIELDKIT_LANG"))


@dataclass(frozen=True)
class Catalogue:
    """One language's translated messages and its plural rule (from its .po header)."""

    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))

    def get(self, message: str) -> str | tuple[str, ...] | None:
        return self.messages.get(message)


@cache
def catalogue(lang: str) -> Catalogue:
    """The translated messages of `lang` read from its .po file (fuzzy and empty ones left
    out: those show in English)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not path.is_file():
        return Catalogue()
    with path.open("rb") as po:
        book = read_po(po, locale=lang)
    found: dict[str, str | tuple[str, ...]] = {}
    for message in book:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if message.context:
            key = f"{message.context}{CONTEXT_SEPARATOR}{key}"
        string = message.string
        if isinstance(string, tuple | list):
            if all(string):
                found[key] = tuple(string)
        elif string:
            found[key] = string
    return Catalogue(found, gettext.c2py(book.plural_expr))


def _(message: str) -> str:
    """`message` in the language in use (as written when it has no translation)."""
    if not message:
        return message
    found = catalogue(language()).get(message)
    return found if isinstance(found, str) else message


def pgettext(context: str, message: str) -> str:
    """`message` as said in `context` (msgctxt: the footer's shorter words), in the language
    in use; as written when that context has no translation."""
    found = catalogue(language()).get(f"{context}{CONTEXT_SEPARATOR}{message}") if message else None
    return found if isinstance(found, str) else message


def N_(message: str) -> str:
    """Mark `message` for the catalogue; it is translated where it is shown (`_(message)`)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language in use (Romanian has three)."""
    book = catalogue(language())
    found = book.get(singular)
    if isinstance(found, tuple):
        return found[min(book.plural(n), len(found) - 1)]
    return singular if n == 1 else plural


def label(code: object) -> str:
    """A code's label in the language in use (codes.yaml has both)."""
    return str(getattr(code, "ro" if language() == "ro" else "en"))


def both(code: object) -> str:
    """'English / Romanian' (Romanian first when it is the language in use)."""
    en, ro = str(getattr(code, "en")), str(getattr(code, "ro"))  # noqa: B009
    return f"{ro} / {en}" if language() == "ro" else f"{en} / {ro}"


def in_language(lang: str, message: str) -> str:
    """`message` in `lang`, whatever the language in use (the aids screen's own switch)."""
    found = catalogue(choose_language(lang)).get(message) if message else None
    return found if isinstance(found, str) else message
