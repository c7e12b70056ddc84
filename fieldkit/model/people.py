"""The people an engagement met: groups counted (a crowd) and persons met one to one (format 2).
Codes only, never a name."""

from __future__ import annotations

from dataclasses import dataclass
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
        values: dict[str, Any] = {}
        key = ""
        for part in parts[3:]:
            name, eq, value = part.partition("=")
            if not eq and key == "ref":  # a reference may hold colons
                values["ref"] += ":" + part
                continue
            key = name.strip()
            if not eq or key not in PERSON_KEYS or key in values:
                raise RecordError(
                    f"person {quote(text)}: {quote(part)} is not one of "
                    f"{', '.join(k + '=' for k in PERSON_KEYS)} (each once); write {PERSON_SPEC}"
                )
            values[key] = value if key == "ref" else value.strip()
        signs = tuple(s.strip() for s in values.pop("signs", "").split(",") if s.strip())
        given = {k: v for k, v in values.items() if v != ""}
        gender, age_band, nationality = (p.strip() for p in parts[:3])
        return cls(gender, age_band, nationality, signs=signs, **given)

    def __str__(self) -> str:
        text = f"{self.gender} {self.age_band} {self.nationality}"
        if self.signs:
            text += f", signs {', '.join(self.signs)}"
        return f"{text}, consent {self.consent}, route {self.route}"
