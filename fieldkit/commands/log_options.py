"""The options of `fieldkit log add` and `amend` that describe an engagement: when and where,
who, what was seen and done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from fieldkit.i18n import _


def split_values(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma lists alike: --indicator a --indicator b,c."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def record_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Every field of an engagement as an option (shared by add and amend)."""
    options = [*_where_options(), *_who_options(), *_what_options()]
    for option in reversed(options):
        func = option(func)
    return func


Option = Callable[[Callable[..., Any]], Callable[..., Any]]


def _where_options() -> list[Option]:
    """When and where: the time, the visit, the venue or a position."""
    return [
        click.option(
            "--time",
            "when",
            help=_(
                "When it happened: ISO 8601 "
                "(2023-09-26T19:30 or with +01:00) or HH:MM today; default now."
            ),
        ),
        click.option(
            "--visit", help=_("The assigned visit it belongs to (default: the current one).")
        ),
        click.option("--venue", help=_("Venue id from the catalogue.")),
        click.option("--lat", type=float, help=_("Latitude, when not at a catalogue venue.")),
        click.option("--lon", type=float, help=_("Longitude, when not at a catalogue venue.")),
        click.option("--accuracy", type=float, help=_("Position accuracy in metres.")),
        click.option("--venue-type", help=_("Venue type code (default: the venue's).")),
    ]


def _who_options() -> list[Option]:
    """Who was met (never names), the language and the partners present."""
    return [
        click.option(
            "--people",
            multiple=True,
            metavar="G:AGE:NAT[:N]",
            help=_(
                "People engaged: gender:age_band:nationality:count, repeatable, "
                "e.g. female:age_18_24:romanian:2. Never names."
            ),
        ),
        click.option(
            "--person",
            multiple=True,
            metavar="SPEC",
            help=_(
                "A person met one to one, repeatable: GENDER:AGE_BAND:NATIONALITY"
                "[:signs=CODE,CODE][:consent=yes|no|not_asked|cannot][:route=none|nrm|"
                "duty_to_notify|safeguarding|partner_support][:by=OFFICER][:ref=TEXT]"
                "[:interpreter=none|independent|partner_officer|family_or_friend]. Never names; "
                "`none` clears them (amend)."
            ),
        ),
        click.option("--language", help=_("Language used (code).")),
        click.option(
            "--interpreter/--no-interpreter",
            default=None,
            help=_("Whether an interpreter was used."),
        ),
        click.option(
            "--partner", multiple=True, help=_("Partner present (code; repeatable or a,b).")
        ),
    ]


def _what_options() -> list[Option]:
    """What was seen and done, the notes, the officer logging, and the output."""
    return [
        click.option(
            "--indicator", multiple=True, help=_("Sign of exploitation seen (code; repeatable).")
        ),
        click.option("--outcome", multiple=True, help=_("What was done (code; repeatable).")),
        click.option("--referral", help=_("Reference number of a referral made elsewhere.")),
        click.option("--notes", help=_("Free-text notes (sensitive: never on maps or exports).")),
        click.option(
            "--officer", help=_("Roster id of the officer logging (default: the device's).")
        ),
        click.option("--json", "as_json", is_flag=True, help=_("Print the stored record as JSON.")),
    ]
