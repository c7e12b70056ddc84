"""Review periods (MoPI-style retention): how long an operation keeps sensitive text and
no-concern engagements, from the playbook or, by default, from the outcome codes' `review`."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fieldkit.codes import CodeBook, load_codes
from fieldkit.errors import quote
from fieldkit.i18n import N_, _

#: The outcome whose engagements are of no concern (removed whole past their review date).
NO_CONCERNS = "no_concerns"
#: Days a device keeps the sensitive text of an acknowledged record when the loadout says none.
DEVICE_TEXT_DAYS = 30
DEVICE_TEXT_DAYS_MAX = 3650
#: The keys of a playbook's (and a loadout's) `retention` section.
RETENTION_KEYS = ("sensitive_text", "no_concern_engagements", "device_text_days")

_PERIOD = re.compile(r"(\d{1,3}) (day|days|month|months|year|years)")
PERIOD_FORM = N_('a number and a unit, e.g. "6 years", "12 months" or "90 days"')


@dataclass(frozen=True)
class Period:
    """A review period: whole months (a year is 12) or days, as written ("6 years")."""

    months: int
    days: int
    text: str

    @classmethod
    def parse(cls, text: Any) -> Period:
        """'6 years', '12 months', '90 days' (singular too); ValueError saying what is wrong."""
        found = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise ValueError(
                _("review period {period} is not {form}").format(
                    period=quote(text), form=_(PERIOD_FORM)
                )
            )
        number, unit = int(found[1]), found[2]
        if number == 0:
            raise ValueError(
                _("review period {period} is zero: give at least one {unit}").format(
                    period=quote(text), unit=unit
                )
            )
        if unit.startswith("year"):
            return cls(12 * number, 0, text.strip())
        if unit.startswith("month"):
            return cls(number, 0, text.strip())
        return cls(0, number, text.strip())

    def after(self, day: date) -> date:
        """The review date of something made on `day`: `day` plus this period (the 31st of
        a shorter month falls on its last day)."""
        month0 = day.month - 1 + self.months
        year, month = day.year + month0 // 12, month0 % 12 + 1
        moved = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        return moved + timedelta(days=self.days)

    def sort_key(self) -> int:
        """Roughly in days, to find the longest of several periods."""
        return self.months * 31 + self.days


@dataclass(frozen=True)
class RetentionPolicy:
    """One operation's review periods.

    `sensitive_text` None: each record's text is reviewed after the longest `review` of its
    outcomes (the longest of all outcomes for a record with none).
    """

    sensitive_text: Period | None
    no_concern_engagements: Period
    device_text_days: int
    #: outcome code -> its review period (from the code lists).
    by_outcome: Mapping[str, Period]

    def text_period(self, outcomes: Iterable[str]) -> Period:
        """How long the sensitive text of a record with `outcomes` is kept."""
        if self.sensitive_text is not None:
            return self.sensitive_text
        periods = [self.by_outcome[o] for o in outcomes if o in self.by_outcome]
        return max(periods or self.by_outcome.values(), key=Period.sort_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sensitive_text": self.sensitive_text.text if self.sensitive_text else None,
            "no_concern_engagements": self.no_concern_engagements.text,
            "device_text_days": self.device_text_days,
        }


def outcome_periods(codes: CodeBook | None = None) -> dict[str, Period]:
    """Each outcome code's `review` period, from the code lists."""
    book = codes or load_codes()
    return {c.code: Period.parse(c.attrs["review"]) for c in book.outcomes if "review" in c.attrs}


def device_days(value: Any) -> int:
    """`device_text_days` checked: a whole number of days, 0 to DEVICE_TEXT_DAYS_MAX."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("{got} is not a whole number of days").format(got=quote(value)))
    if not 0 <= value <= DEVICE_TEXT_DAYS_MAX:
        raise ValueError(
            _("{got} is not between 0 and {most} days").format(got=value, most=DEVICE_TEXT_DAYS_MAX)
        )
    return value


def retention_policy(section: Any = None, codes: CodeBook | None = None) -> RetentionPolicy:
    """The policy a playbook's (or loadout's) `retention` section gives, over the defaults of
    the code lists; ValueError naming the key that is wrong."""
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise ValueError("retention is a mapping of " + ", ".join(RETENTION_KEYS))
    unknown = sorted(str(k) for k in section if k not in RETENTION_KEYS)
    if unknown:
        raise ValueError(
            f"retention: unknown key {quote(unknown[0])} (one of {', '.join(RETENTION_KEYS)})"
        )
    periods = outcome_periods(codes) or outcome_periods()
    text = section.get("sensitive_text")
    no_concern = section.get("no_concern_engagements")
    days = section.get("device_text_days")
    return RetentionPolicy(
        sensitive_text=None if text is None else Period.parse(text),
        no_concern_engagements=(
            Period.parse(no_concern)
            if no_concern is not None
            else periods.get(NO_CONCERNS, Period(12, 0, "12 months"))
        ),
        device_text_days=DEVICE_TEXT_DAYS if days is None else _named_days(days),
        by_outcome=periods,
    )


def _named_days(value: Any) -> int:
    try:
        return device_days(value)
    except ValueError as exc:
        raise ValueError(f"device_text_days: {exc}") from None
