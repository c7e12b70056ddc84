"""The operation's own codes, its helplines and leaflet, and its retention periods."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    field_validator,
)

from fieldkit.codes import Code, CodeBook, load_codes
from fieldkit.codes.retention import DEVICE_TEXT_DAYS, Period, device_days
from fieldkit.playbook.strict import Strict
from fieldkit.playbook.values import (
    CodeRef,
)


class CodeEntry(Strict):
    """A code a playbook adds to a list."""

    code: CodeRef
    en: str
    ro: str
    ilo: CodeRef | None = None
    kind: str | None = None


class CodeChoices(Strict):
    """Which codes this operation uses: restrict lists (`use`) or add codes (`add`)."""

    use: dict[str, list[CodeRef]] = {}
    add: dict[str, list[CodeEntry]] = {}

    def codebook(self) -> CodeBook:
        """The kit's lists with these choices applied: added codes, then restrictions."""
        base = load_codes()
        lists = dict(base.lists)
        for name, entries in self.add.items():
            extra = [
                Code(e.code, e.en, e.ro, {k: v for k, v in (("ilo", e.ilo), ("kind", e.kind)) if v})
                for e in entries
            ]
            lists[name] = lists[name].extend(extra)
        for name, keep in self.use.items():
            added = {e.code for e in self.add.get(name, [])}
            lists[name] = lists[name].restrict(set(keep) | added)
        return CodeBook(lists)


class Helpline(Strict):
    name: str
    phone: str
    hours: str | None = None


class Leaflet(Strict):
    en: str
    ro: str


class Retention(Strict):
    """Review periods (MoPI-style): when the operation's sensitive text and its no-concern
    engagements are deleted at central, and how long devices keep text central holds."""

    sensitive_text: str | None = Field(
        default=None,
        description='notes and referral references, counted from the engagement, e.g. "6 years" '
        "(default: the longest review period of the record's outcomes in the code lists)",
    )
    no_concern_engagements: str | None = Field(
        default=None,
        description='whole engagements of no concern, e.g. "12 months" (default: the review '
        "period of the no_concerns outcome)",
    )
    device_text_days: int | None = Field(
        default=None,
        description="days a device keeps the sensitive text of a record central acknowledged "
        f"(default {DEVICE_TEXT_DAYS})",
    )

    @field_validator("sensitive_text", "no_concern_engagements")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None:
            Period.parse(value)
        return value

    @field_validator("device_text_days")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        return None if value is None else device_days(value)

    def to_dict(self) -> dict[str, Any]:
        """The section as a loadout carries it (the keys given only)."""
        return self.model_dump(exclude_none=True)


DEFAULT_HELPLINES = [
    Helpline(name="Modern Slavery & Exploitation Helpline", phone="08000 121 700", hours="24/7"),
]
