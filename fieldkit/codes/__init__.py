"""The shared code lists (venue types, partners, skills, indicators, outcomes...), loaded once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: Every list the kit knows; a playbook may restrict or extend these.
LIST_NAMES = (
    "ilo_indicators",
    "venue_types",
    "partners",
    "skills",
    "indicators",
    "outcomes",
    "languages",
    "nationalities",
    "age_bands",
    "genders",
)


@dataclass(frozen=True)
class Code:
    """One stable snake_case identifier with its English and Romanian labels."""

    code: str
    en: str
    ro: str
    attrs: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.ro if lang == "ro" else self.en

    def both(self) -> str:
        """'English / Romanian', as shown to officers engaging Romanian nationals."""
        return f"{self.en} / {self.ro}"


@dataclass(frozen=True)
class CodeList:
    """An ordered list of codes of one kind."""

    name: str
    codes: tuple[Code, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {c.code: c for c in self.codes})

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._index  # type: ignore[attr-defined]

    def __getitem__(self, code: str) -> Code:
        return self._index[code]  # type: ignore[attr-defined,no-any-return]

    def get(self, code: str) -> Code | None:
        return self._index.get(code)  # type: ignore[attr-defined,no-any-return]

    @property
    def ids(self) -> list[str]:
        return [c.code for c in self.codes]

    def suggest(self, code: str) -> str | None:
        """The closest known code to a mistyped one, if any is close."""
        return suggest(code, self.ids)

    def restrict(self, keep: Iterable[str]) -> CodeList:
        wanted = set(keep)
        return CodeList(self.name, tuple(c for c in self.codes if c.code in wanted))

    def extend(self, extra: Iterable[Code]) -> CodeList:
        new = [c for c in extra if c.code not in self]
        return CodeList(self.name, self.codes + tuple(new))


@dataclass(frozen=True)
class CodeBook:
    """All the code lists an operation uses."""

    lists: Mapping[str, CodeList]

    def __getitem__(self, name: str) -> CodeList:
        return self.lists[name]

    @property
    def venue_types(self) -> CodeList:
        return self.lists["venue_types"]

    @property
    def partners(self) -> CodeList:
        return self.lists["partners"]

    @property
    def skills(self) -> CodeList:
        return self.lists["skills"]

    @property
    def indicators(self) -> CodeList:
        return self.lists["indicators"]

    @property
    def outcomes(self) -> CodeList:
        return self.lists["outcomes"]

    @property
    def ilo_indicators(self) -> CodeList:
        return self.lists["ilo_indicators"]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """Plain data, as written into device loadouts."""
        return {
            name: [{"code": c.code, "en": c.en, "ro": c.ro, **c.attrs} for c in cl]
            for name, cl in self.lists.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<data>") -> CodeBook:
        return cls({name: _parse_list(name, data.get(name), source) for name in LIST_NAMES})


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a mistyped word, or None when nothing is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' or '' — for messages about unknown names."""
    hit = suggest(word, choices)
    return f' (did you mean "{hit}"?)' if hit else ""


class CodeListError(ValueError):
    """The packaged code lists are malformed (a bug in the package, not user input)."""


def _parse_list(name: str, raw: Any, source: str) -> CodeList:
    if not isinstance(raw, list) or not raw:
        raise CodeListError(f"{source}: list {name!r} is missing or empty")
    codes: list[Code] = []
    seen: set[str] = set()
    for entry in raw:
        if not isinstance(entry, dict):
            raise CodeListError(f"{source}: {name}: entry {entry!r} is not a mapping")
        code, en, ro = entry.get("code"), entry.get("en"), entry.get("ro")
        if not (isinstance(code, str) and code.isidentifier() and code == code.lower()):
            raise CodeListError(f"{source}: {name}: code {code!r} is not snake_case")
        if not (isinstance(en, str) and en and isinstance(ro, str) and ro):
            raise CodeListError(f"{source}: {name}.{code}: needs English and Romanian labels")
        if code in seen:
            raise CodeListError(f"{source}: {name}.{code}: listed twice")
        seen.add(code)
        attrs = {k: str(v) for k, v in entry.items() if k not in ("code", "en", "ro")}
        codes.append(Code(code, en, ro, attrs))
    return CodeList(name, tuple(codes))


@cache
def load_codes() -> CodeBook:
    """The kit's code lists, read from the package once and checked."""
    text = resources.files(__package__).joinpath("codes.yaml").read_text(encoding="utf-8")
    book = CodeBook.from_dict(yaml.safe_load(text), "fieldkit/codes/codes.yaml")
    ilo = book.ilo_indicators
    for ind in book.indicators:
        if ind.attrs.get("ilo") not in ilo:
            raise CodeListError(f"indicator {ind.code!r} maps to unknown ILO indicator")
    return book
