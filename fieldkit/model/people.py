"""The people an engagement met: groups counted (a crowd) and persons met one to one (format 2).
Codes only, never a name."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fieldkit.errors import quote
from fieldkit.model.record_error import RecordError


@dataclass(frozen=True, order=True)
class PeopleGroup:
    """`count` people of one gender, age band and nationality (codes). Never a name."""

    gender: str
    age_band: str
    nationality: str
    count: int

    @classmethod
    def parse(cls, text: str) -> PeopleGroup:
        """'female:age_18_24:romanian:2' (count optional, default 1)."""
        parts = [p.strip() for p in text.split(":")]
        if len(parts) == 3:
            parts.append("1")
        if len(parts) != 4 or not all(parts[:3]) or not parts[3].isdigit():
            raise RecordError(
                f"people {quote(text)}: write GENDER:AGE_BAND:NATIONALITY[:COUNT], "
                "e.g. female:age_18_24:romanian:2"
            )
        return cls(parts[0], parts[1], parts[2], int(parts[3]))

    def __str__(self) -> str:
        return f"{self.count} {self.gender} {self.age_band} {self.nationality}"


#: A person's consent, route and interpreter when the officer did not say.
CONSENT_DEFAULT, ROUTE_DEFAULT, INTERPRETER_DEFAULT = "not_asked", "none", "none"


#: The keys a person's SPEC may give after GENDER:AGE_BAND:NATIONALITY (`--person`).
PERSON_KEYS = ("signs", "consent", "route", "by", "ref", "interpreter")
PERSON_SPEC = (
    "GENDER:AGE_BAND:NATIONALITY[:signs=CODE,CODE][:consent=yes|no|not_asked|cannot]"
    "[:route=none|nrm|duty_to_notify|safeguarding|partner_support][:by=OFFICER][:ref=TEXT]"
    "[:interpreter=none|independent|partner_officer|family_or_friend]"
)


@dataclass(frozen=True)
class Person:
    """One anonymous person met one to one (format 2): codes, never a name.

    `signs` are the signs of exploitation seen in this person; `by` is the officer who made
    the referral; `ref` the referral reference (sensitive text, sealed in the record).
    """

    gender: str
    age_band: str
    nationality: str
    language: str | None = None
    signs: tuple[str, ...] = ()
    consent: str = CONSENT_DEFAULT
    route: str = ROUTE_DEFAULT
    by: str | None = None
    ref: str | None = None
    interpreter: str = INTERPRETER_DEFAULT

    def __post_init__(self) -> None:
        object.__setattr__(self, "signs", tuple(sorted(set(self.signs))))

    @classmethod
    def parse(cls, text: str) -> Person:
        """'female:under_18:romanian:signs=owes_debt,isolated:route=nrm:by=pc-hughes:ref=X'."""
        parts = text.split(":")
        if len(parts) < 3 or not all(p.strip() for p in parts[:3]):
            raise RecordError(f"person {quote(text)}: write {PERSON_SPEC}")
        try:
            values: dict[str, Any] = _key_values(f"person {quote(text)}", parts[3:], PERSON_KEYS)
        except RecordError as exc:
            raise RecordError(f"{exc}; write {PERSON_SPEC}") from None
        signs = _signs(values.pop("signs", ""))
        given = {k: v for k, v in values.items() if v != ""}
        gender, age_band, nationality = (p.strip() for p in parts[:3])
        return cls(gender, age_band, nationality, signs=signs, **given)

    def __str__(self) -> str:
        text = f"{self.gender} {self.age_band} {self.nationality}"
        if self.signs:
            text += f", signs {', '.join(self.signs)}"
        return f"{text}, consent {self.consent}, route {self.route}"


def _key_values(where: str, parts: list[str], keys: tuple[str, ...]) -> dict[str, str]:
    """KEY=VALUE parts, each key once; a part with no `=` after `ref=` goes on the reference
    (a reference may hold colons). RecordError naming `where` and the part otherwise."""
    values: dict[str, str] = {}
    key = ""
    for part in parts:
        name, eq, value = part.partition("=")
        if not eq and key == "ref":
            values["ref"] += ":" + part
            continue
        key = name.strip()
        if not eq or key not in keys or key in values:
            raise RecordError(
                f"{where}: {quote(part)} is not one of "
                f"{', '.join(k + '=' for k in keys)} (each once)"
            )
        values[key] = value if key == "ref" else value.strip()
    return values


def _signs(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


#: What `log amend --edit-person N:KEY=VALUE` may change in a person.
PERSON_FIELDS = ("gender", "age_band", "nationality", "language", *PERSON_KEYS)
PERSON_EDIT = f"N:KEY=VALUE[:KEY=VALUE...], KEY one of {', '.join(PERSON_FIELDS)}"
#: An empty value puts these back to what an officer who says nothing gets.
_CLEARED: dict[str, Any] = {
    "language": None,
    "signs": (),
    "consent": CONSENT_DEFAULT,
    "route": ROUTE_DEFAULT,
    "by": None,
    "ref": None,
    "interpreter": INTERPRETER_DEFAULT,
}


@dataclass(frozen=True)
class PersonEdit:
    """Changes to the `number`th person (1-based) of a record: `N:KEY=VALUE[:KEY=VALUE...]`
    (`log amend --edit-person`). An empty value clears an optional field; `ref` goes last."""

    number: int
    changes: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, text: str) -> PersonEdit:
        """'2:consent=yes:route=nrm:by=pc-stan'."""
        number, _, rest = text.partition(":")
        number = number.strip()
        if not number.isascii() or not number.isdigit() or int(number) < 1 or not rest:
            raise RecordError(f"edit {quote(text)}: write {PERSON_EDIT}")
        where = f"edit {quote(text)}"
        try:
            values = _key_values(where, rest.split(":"), PERSON_FIELDS)
        except RecordError as exc:
            raise RecordError(f"{exc}; write {PERSON_EDIT}") from None
        return cls(int(number), tuple(values.items()))

    def apply(self, person: Person) -> Person:
        """The person with these changes (codes are checked where the record is made)."""
        changes: dict[str, Any] = {}
        for key, value in self.changes:
            if value.strip() == "" and key not in _CLEARED:
                raise RecordError(f"person {self.number}: {key} cannot be empty")
            if key == "signs":
                changes[key] = _signs(value)
            elif value.strip() == "":
                changes[key] = _CLEARED[key]
            else:
                changes[key] = value
        return replace(person, **changes)
