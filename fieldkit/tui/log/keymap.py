"""The Log form's keys: one meaning each, whatever has focus (a text field takes what it types).

Digits tick signs, in the engagement and in a person alike; `o` then a digit ticks an outcome;
letters count the crowd, add and edit persons and set a person's fields. The footers show the
main ones, the help screen lists them all (`FORM_HELP`, `PERSON_HELP`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from textual.binding import Binding

from fieldkit.i18n import N_
from fieldkit.tui.keys import QUICK_EXIT

SIGN_KEYS = "1234567890"
"""Sign 1..10 of a list: 1..9, then 0 for the tenth."""

OUTCOME_KEY = "o"
"""Then a digit: the outcome with that number ("o1" in the list)."""

GENDER_KEYS = {"f": "female", "m": "male", "x": "other"}

Action = TypeVar("Action", bound=Callable[..., None])


def drops_outcome(action: Action) -> Action:
    """A key of the form other than a digit: an `o` pressed before it no longer applies.
    (Not in check_action: the footer calls that too, to draw itself.)"""

    @wraps(action)
    def run(self: Any, *args: Any) -> None:
        self.outcome_next = False
        action(self, *args)

    return cast(Action, run)


def sign_bindings() -> list[Binding]:
    """1..0 tick sign 1..10; the footer shows one entry for all ten."""
    return [
        Binding(key, f"sign({n})", N_("Sign"), key_display="1…0", show=n == 0)
        for n, key in enumerate(SIGN_KEYS)
    ]


def cycle_bindings(key: str, field: str, description: str) -> list[Binding]:
    """`key` the next code of `field`, shift+`key` the one before (never in the footer)."""
    return [
        Binding(key, f"cycle('{field}', 1)", description, show=False),
        Binding(key.upper(), f"cycle('{field}', -1)", show=False),
    ]


def form_bindings() -> list[Binding]:
    """The engagement form's keys (screen bindings, so focus does not change them)."""
    return [
        QUICK_EXIT,
        # Not priority bindings: a priority key is acted on as it arrives, ahead of keys typed
        # before it that are still on their way, so "1 ctrl+s" typed fast would save before the
        # sign was ticked. As screen bindings they come in turn.
        *sign_bindings(),
        Binding(OUTCOME_KEY, "outcome_next", N_("Outcome"), key_display="o 1…0"),
        *(
            Binding(k, f"tally('{g}')", N_("Crowd"), key_display="f/m/x", show=k == "f")
            for k, g in GENDER_KEYS.items()
        ),
        *cycle_bindings("a", "age_band", N_("Crowd's age band")),
        *cycle_bindings("c", "nationality", N_("Crowd's nationality")),
        Binding("plus", "count(1)", N_("One more in the crowd"), show=False),
        Binding("minus", "count(-1)", N_("One fewer in the crowd"), show=False),
        Binding("g", "another_group", N_("Another group"), show=False),
        Binding("number_sign", "how_many", N_("Type how many"), show=False),
        # Not in the footer (80 columns): the Persons title says p, e and ctrl+d.
        Binding("p", "add_person", N_("Person"), show=False),
        Binding("e", "edit_person", N_("Edit person"), show=False),
        Binding("ctrl+d", "remove_person", N_("Remove person"), show=False),
        *cycle_bindings("l", "language", N_("Language")),
        Binding("i", "interpreter", N_("Interpreter used"), show=False),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]


def person_bindings() -> list[Binding]:
    """The person form's keys: the same letters mean the same as in the engagement form."""
    return [
        QUICK_EXIT,
        *sign_bindings(),
        *(Binding(k, f"gender('{g}')", N_("Gender"), show=False) for k, g in GENDER_KEYS.items()),
        *cycle_bindings("a", "age_band", N_("Age band")),
        *cycle_bindings("c", "nationality", N_("Nationality")),
        *cycle_bindings("l", "language", N_("Language")),
        *cycle_bindings("y", "consent", N_("Consent")),
        *cycle_bindings("r", "route", N_("Route")),
        *cycle_bindings("b", "by", N_("Referral by")),
        *cycle_bindings("i", "interpreter", N_("Interpreter")),
        Binding("enter", "done", N_("Done")),
        Binding("ctrl+s", "done(True)", N_("Done and save")),
        Binding("escape", "back", N_("Back")),
    ]


FORM_HELP: list[tuple[str, str]] = [
    ("1 … 9, 0", N_("tick sign 1 … 10 (in a person's form: that person's signs)")),
    (N_("o then 1 … 0"), N_('tick outcome 1 … 10 ("What was done", marked o1 … o0)')),
    ("f m x", N_("one more woman, man, other or not said in the crowd")),
    ("+ -", N_("one more, one fewer in the crowd's last group")),
    ("#", N_("type how many are in the crowd's last group (enter goes back)")),
    ("g", N_("another group of the crowd (the same gender, its own age and nationality)")),
    ("a c (A C)", N_("the crowd's last group: next (previous) age band, nationality")),
    ("p", N_("a person met one to one (their own form)")),
    ("e, ctrl+d", N_("edit, remove the person under the cursor in Persons")),
    ("l (L), i", N_("the engagement's language, interpreter used")),
    ("tab", N_("the text fields (reference, notes, time) and the lists")),
    ("ctrl+s", N_("save on the device (refused, with the rule, if a referral rule is broken)")),
    ("escape", N_("twice: discard the engagement")),
]
"""The engagement form's keys, for the help screen."""

PERSON_HELP: list[tuple[str, str]] = [
    ("1 … 9, 0", N_("tick the person's sign 1 … 10")),
    ("f m x", N_("gender")),
    ("a c l (A C L)", N_("next (previous) age band, nationality, language")),
    ("y r b i (Y R B I)", N_("next (previous) consent, route, referral by, interpreter")),
    ("tab", N_("the referral reference")),
    ("enter, ctrl+s", N_("done (ctrl+s: and save the engagement); escape: back, unchanged")),
]
"""A person's form keys, for the help screen."""


def form_keys() -> list[tuple[str, str, str]]:
    """The Log form's and the person form's keys as help rows: key, where, what it does
    (in English, marked for the catalogue: the help screen shows them translated)."""
    return [(key, N_("Log form"), does) for key, does in FORM_HELP] + [
        (key, N_("Person form"), does) for key, does in PERSON_HELP
    ]
