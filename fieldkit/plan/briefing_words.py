"""The briefing's own words in the playbook's languages: "Information / Informații"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from babel.dates import format_date

from fieldkit.codes import Code
from fieldkit.i18n import in_language

_NAMES = {"a": "EEE", "A": "EEEE", "b": "MMM", "B": "MMMM"}
_NAME_FIELD = re.compile(r"%([aAbB])")


class _Dated:
    """A date whose `{day:%A %d %B}` is written in a language (English as strftime has it)."""

    def __init__(self, day: date, lang: str) -> None:
        self.day, self.lang = day, lang

    def __format__(self, spec: str) -> str:
        if self.lang == "en":
            return format(self.day, spec)
        named = _NAME_FIELD.sub(
            lambda m: format_date(self.day, _NAMES[m[1]], locale=self.lang).replace("%", "%%"),
            spec,
        )
        return self.day.strftime(named)


def _local(value: Any, lang: str) -> Any:
    """A value as written in `lang`: a date's names, a code's label (codes.yaml has both),
    or its entry of a {language: text} mapping."""
    if isinstance(value, date):
        return _Dated(value, lang)
    if isinstance(value, Code):
        return value.label(lang)
    if isinstance(value, Mapping):  # the same thing in each language, English always given
        return value.get(lang, value["en"])
    return value


class Words:
    """The fixed words of a briefing pack in each of its languages, the main one first; the
    playbook's own text is never looked up, only placed."""

    def __init__(self, languages: Sequence[str] = ("en",)) -> None:
        self.languages: tuple[str, ...] = tuple(dict.fromkeys(languages)) or ("en",)

    @property
    def main(self) -> str:
        return self.languages[0]

    def in_each(self, message: str, **values: Any) -> list[str]:
        """`message` in each language (dates and codes in `values` written in it), once
        each."""
        out = []
        for lang in self.languages:
            text = in_language(lang, message)
            if values:
                text = text.format(**{k: _local(v, lang) for k, v in values.items()})
            out.append(text)
        return list(dict.fromkeys(out))

    def _(self, message: str, **values: Any) -> str:
        """`message` in every language: "Information / Informații" ("Information" alone in
        an English pack)."""
        return " / ".join(self.in_each(message, **values))

    def dated(self, pattern: str, day: date) -> str:
        """A date as `pattern` (strftime's) in each language: "Tuesday 26 September 2023 /
        marți 26 septembrie 2023"."""
        return " / ".join(
            dict.fromkeys(format(_Dated(day, lang), pattern) for lang in self.languages)
        )

    def code(self, entry: object) -> str:
        """A code list's label (codes.yaml has English and Romanian) in each language."""
        return " / ".join(dict.fromkeys(str(getattr(entry, lang)) for lang in self.languages))


ENGLISH = Words()
