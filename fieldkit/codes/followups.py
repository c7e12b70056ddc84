"""What may follow what in a referral's later life: the follow-up statuses of codes.yaml as a
state machine (its transitions are data there, not code here).

Pure: central checks each status event against it (central/followups.py), and anything that
makes events (the simulator, the app) can ask it what may come next.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldkit.codes import Code, CodeBook, CodeList, load_codes
from fieldkit.errors import UserError, quote

#: Every person referred on the device starts here.
REFERRED = "referred"
#: The routes that refer a person (a follow-up opens); `none` does not.
REFERRING_ROUTES = ("nrm", "duty_to_notify", "safeguarding", "partner_support")
#: The outcome that asks for a visit again (an engagement-level follow-up).
FOLLOW_UP_NEEDED = "follow_up_needed"


class TransitionError(UserError):
    """A status that may not follow the person's history (exit 2, naming what may)."""


def statuses(book: CodeBook | None = None) -> CodeList:
    """The follow-up statuses, with their labels and links."""
    return (book or load_codes())["followup_statuses"]


def _links(status: Code, name: str) -> list[str]:
    return status.attrs.get(name, "").split()


def needs_partner(status: str, book: CodeBook | None = None) -> bool:
    """Whether an event of `status` must name the partner who helped."""
    found = statuses(book).get(status)
    return found is not None and found.attrs.get("partner") == "required"


def allowed_next(history: Sequence[str], book: CodeBook | None = None) -> list[str]:
    """The statuses that may follow `history` (the person's statuses in order, `referred`
    first), in the list's order; [] when the follow-up is closed."""
    codes = statuses(book)
    current = codes[history[-1]] if history else codes[REFERRED]
    seen = set(history) | {REFERRED}
    out = []
    for code in _links(current, "next"):
        status = codes[code]
        needs = _links(status, "needs")
        if needs and not seen & set(needs):
            continue
        if seen & set(_links(status, "not_after")):
            continue
        out.append(code)
    return [c for c in codes.ids if c in out]


def is_open(history: Sequence[str], book: CodeBook | None = None) -> bool:
    """Whether anything may still follow: a follow-up stays open until a closing status."""
    return bool(allowed_next(history, book))


def check_next(
    who: str,
    history: Sequence[str],
    status: str,
    partner: str | None,
    book: CodeBook | None = None,
) -> None:
    """Raise TransitionError unless `status` (with `partner`) may follow `history`."""
    codes = statuses(book)
    if status not in codes:
        raise TransitionError(
            f"no follow-up status {quote(status)}{_hint(codes, status)}; the statuses are "
            f"{', '.join(codes.ids)}"
        )
    current = history[-1] if history else REFERRED
    allowed = allowed_next(history, book)
    if not allowed:
        raise TransitionError(
            f"{who}: the follow-up is closed at {current} (current status); no status may follow it"
        )
    if status not in allowed:
        raise TransitionError(
            f"{who}: {status} may not follow {current} (current status"
            f"{', after ' + ', '.join(history[:-1]) if len(history) > 1 else ''}); "
            f"allowed: {', '.join(allowed)}"
        )
    if needs_partner(status, book) and not partner:
        raise TransitionError(f"{who}: {status} names the partner who helped: give --partner")


def _hint(codes: CodeList, word: str) -> str:
    hit = codes.suggest(word)
    return f' (did you mean "{hit}"?)' if hit else ""


def reachable(book: CodeBook | None = None) -> set[str]:
    """Every status some history from `referred` can reach (by `next` alone)."""
    codes = statuses(book)
    found, todo = {REFERRED}, [REFERRED]
    while todo:
        for code in _links(codes[todo.pop()], "next"):
            if code not in found:
                found.add(code)
                todo.append(code)
    return found
