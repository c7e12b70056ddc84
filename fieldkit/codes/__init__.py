"""The shared code lists (venue types, partners, skills, indicators, outcomes...), loaded once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from fieldkit.errors import quote
from fieldkit.i18n import _

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
    "consent",
    "routes",
    "interpreters",
    "followup_statuses",
)

#: The lists of format 2's persons: a loadout written before them reads them from the kit.
PERSON_LISTS = ("consent", "routes", "interpreters")
#: Lists a loadout written before them reads from the kit (the persons' lists, follow-ups).
KIT_LISTS = (*PERSON_LISTS, "followup_statuses")

#: The attributes of a follow-up status that name other statuses (codes/followups.py).
FOLLOWUP_LINKS = ("next", "needs", "not_after")

#: Partner attributes the referral rules read (fieldkit/codes/rules.py): "true" or "false".
PARTNER_FLAGS = ("first_responder", "specified_authority")

#: The ILO's 11 indicators of forced labour ("ILO Indicators of Forced Labour", 2012).
ILO_CODES = (
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_and_sexual_violence",
    "intimidation_and_threats",
    "retention_of_identity_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_working_and_living_conditions",
    "excessive_overtime",
)

# Romanian is written with comma-below ș and ț; the cedilla forms are a legacy mistake.
_CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")


@dataclass(frozen=True)
class Code:
    """One stable snake_case identifier with its English and Romanian labels."""

    code: str
    en: str
    ro: str
    attrs: Mapping[str, str] = field(default_factory=dict, hash=False)

    def label(self, lang: str = "en") -> str:
        """The label in `lang` ("en" or "ro")."""
        return self.ro if lang == "ro" else self.en

    def both(self) -> str:
        """'English / Romanian', as shown to officers engaging Romanian nationals."""
        return f"{self.en} / {self.ro}"


@dataclass(frozen=True)
class CodeList:
    """An ordered list of codes of one kind."""

    name: str
    codes: tuple[Code, ...]
    _index: dict[str, Code] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {c.code: c for c in self.codes})

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __getitem__(self, code: str) -> Code:
        try:
            return self._index[code]
        except KeyError:
            raise KeyError(
                f"no {self.name} code {quote(code)}{did_you_mean(code, self.ids)}"
            ) from None

    def get(self, code: str) -> Code | None:
        return self._index.get(code)

    @property
    def ids(self) -> list[str]:
        return [c.code for c in self.codes]

    def suggest(self, code: str) -> str | None:
        """The closest known code to a mistyped one, if any is close."""
        return suggest(code, self.ids)

    def restrict(self, keep: Iterable[str]) -> CodeList:
        """Only the codes in `keep`, in this list's order."""
        wanted = set(keep)
        return CodeList(self.name, tuple(c for c in self.codes if c.code in wanted))

    def extend(self, extra: Iterable[Code]) -> CodeList:
        """This list and the codes of `extra` it does not hold yet."""
        new = [c for c in extra if c.code not in self]
        return CodeList(self.name, self.codes + tuple(new))


@dataclass(frozen=True)
class CodeBook:
    """All the code lists an operation uses."""

    lists: Mapping[str, CodeList]

    def __getitem__(self, name: str) -> CodeList:
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"no code list {quote(name)}{did_you_mean(name, self.lists)}") from None

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
        """Code lists from plain data (as `to_dict` writes them); CodeListError if malformed."""
        if not isinstance(data, Mapping):
            raise CodeListError(f"{source}: the code lists are not a mapping")
        lists = {}
        for name in LIST_NAMES:
            if name in KIT_LISTS and data.get(name) is None:
                lists[name] = load_codes()[name]
            else:
                lists[name] = _parse_list(name, data.get(name), source)
        return cls(lists)


def _fold(word: str) -> str:
    return word.strip().lower().replace(" ", "_").replace("-", "_")


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a mistyped word (case, spaces and - vs _ aside), or None."""
    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(_fold(choice), choice)
    folded = _fold(word)
    if folded in by_fold and by_fold[folded] != word:
        return by_fold[folded]
    found = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    return by_fold[found[0]] if found and by_fold[found[0]] != word else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' or '' — for messages about unknown names."""
    hit = suggest(word, choices)
    return _(' (did you mean "{hit}"?)').format(hit=hit) if hit else ""


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
        attrs = {k: _attr(v) for k, v in entry.items() if k not in ("code", "en", "ro")}
        codes.append(Code(code, en, ro, attrs))
    return CodeList(name, tuple(codes))


def _attr(value: Any) -> str:
    """An attribute as text; YAML's booleans as "true" / "false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@cache
def load_codes() -> CodeBook:
    """The kit's code lists, read from the package once and checked."""
    source = "fieldkit/codes/codes.yaml"
    text = resources.files(__package__).joinpath("codes.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise CodeListError(f"{source}: not a mapping of lists")
    unknown = sorted(set(data) - set(LIST_NAMES))
    if unknown:
        raise CodeListError(f"{source}: unknown list(s) {', '.join(map(str, unknown))}")
    book = CodeBook.from_dict(data, source)
    validate(book, source)
    return book


def validate(book: CodeBook, source: str = "<codes>") -> None:
    """Raise CodeListError unless the book keeps the rules every code list keeps."""
    if tuple(book.ilo_indicators.ids) != ILO_CODES:
        raise CodeListError(f"{source}: ilo_indicators must be the ILO's 11, in order")
    for ind in book.indicators:
        if ind.attrs.get("ilo") not in ILO_CODES:
            raise CodeListError(
                f"{source}: indicator {ind.code!r} maps to {ind.attrs.get('ilo')!r}, "
                "not one of the ILO's 11 indicators"
            )
    for partner in book.partners:
        for flag in PARTNER_FLAGS:
            if partner.attrs.get(flag, "false") not in ("true", "false"):
                raise CodeListError(
                    f"{source}: partner {partner.code!r}: {flag} is true or false, "
                    f"not {partner.attrs[flag]!r}"
                )
    _validate_followups(book, source)
    for cl in book.lists.values():
        for c in cl:
            if c.ro.translate(_CEDILLA) != c.ro:
                raise CodeListError(
                    f"{source}: {cl.name}.{c.code}: Romanian uses ș and ț (comma below), "
                    f"not cedilla: {c.ro!r}"
                )


def _validate_followups(book: CodeBook, source: str) -> None:
    """Follow-up statuses name only statuses of their list, and a person starts as referred."""
    statuses = book["followup_statuses"]
    if "referred" not in statuses:
        raise CodeListError(f"{source}: followup_statuses needs `referred` (where each starts)")
    for status in statuses:
        for link in FOLLOWUP_LINKS:
            unknown = [s for s in status.attrs.get(link, "").split() if s not in statuses]
            if unknown:
                raise CodeListError(
                    f"{source}: followup_statuses.{status.code}: {link} names unknown "
                    f"status(es) {', '.join(unknown)}"
                )
