"""Revisits: one visit per venue with open follow-ups (`plan --follow-ups-from OP`), added to
the playbook as an activity of its own, with its reason.

Plain data comes in (venue ids and reasons, read at central by the command): the planner never
reads central. The revisits are written into plan.json (`revisits`), so `plan check` and the
app rebuild the same visits from the playbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from fieldkit.playbook.models import Activity, Playbook, Requires, Window

#: With no activity of the playbook at a venue: a revisit in this window, for this long.
DEFAULT_WINDOW = (time(10, 0), time(16, 0))
DEFAULT_MINUTES = 60
NAME = "Revisit: open follow-ups"


@dataclass(frozen=True)
class Revisit:
    """A venue to visit again, why, and the operation whose follow-ups ask for it."""

    venue: str
    reason: str
    source: str = ""


class RevisitActivity(Activity):
    """The activity of one revisit: one window on one day at one venue, its reason as the
    visit's instructions."""

    reason: str
    source: str = ""


def add_revisits(book: Playbook, revisits: Iterable[Revisit]) -> tuple[Playbook, list[str]]:
    """The playbook with one revisit activity per venue (the first reason given for a venue
    wins), and a warning for each venue the playbook does not hold (skipped)."""
    known = {v.id for v in book.venues}
    taken = {a.id for a in book.activities}
    added: list[Activity] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for revisit in revisits:
        if revisit.venue not in known:
            warnings.append(
                f"follow-ups: venue {revisit.venue!r} is not in this playbook's venues; "
                "its revisit is skipped"
            )
            continue
        if revisit.venue in seen:
            continue
        seen.add(revisit.venue)
        activity = _revisit_activity(book, revisit, taken)
        taken.add(activity.id)
        added.append(activity)
    if not added:
        return book, warnings
    return book.model_copy(update={"activities": [*book.activities, *added]}), warnings


def _revisit_activity(book: Playbook, revisit: Revisit, taken: set[str]) -> RevisitActivity:
    """Modelled on the first activity that visits the venue (its window, length, skills,
    partners and lead), on the first day its window opens, one point of priority higher."""
    venue = book.venue(revisit.venue)
    like = next((a for a in book.activities if venue in book.activity_venues(a)), None)
    day, window = _first_window(book, like)
    ident = f"revisit-{revisit.venue}"[:64]
    n = 1
    while ident in taken:
        n += 1
        ident = f"revisit{n}-{revisit.venue}"[:64]
    return RevisitActivity(
        id=ident,
        name=NAME,
        venues=[revisit.venue],
        when=[Window.model_validate({"dates": [day], "from": window[0], "to": window[1]})],
        duration=like.duration if like else DEFAULT_MINUTES,
        requires=like.requires if like else Requires(),
        lead=like.lead if like else None,
        priority=min(5, like.priority + 1) if like else 4,
        instructions=f"Revisit: {revisit.reason}",
        reason=revisit.reason,
        source=revisit.source,
    )


def _first_window(book: Playbook, like: Activity | None) -> tuple[date, tuple[time, time]]:
    """The first day of the operation a window of `like` opens on, and that window."""
    days = book.operation.days
    if like is not None:
        for day in days:
            for w in like.when:
                if w.on(day):
                    return day, (w.from_, w.to)
    return days[0], DEFAULT_WINDOW


def revisits_of(book: Playbook) -> list[RevisitActivity]:
    """The revisit activities a playbook was given."""
    return [a for a in book.activities if isinstance(a, RevisitActivity)]


def revisit_dicts(book: Playbook) -> list[dict[str, Any]]:
    """plan.json's `revisits`: [{venue, activity, reason, from}]."""
    return [
        {"venue": (a.venues or [""])[0], "activity": a.id, "reason": a.reason, "from": a.source}
        for a in revisits_of(book)
    ]


def revisits_from_doc(doc: dict[str, Any]) -> list[Revisit]:
    """The revisits plan.json records (entries that are not the expected shape are left out)."""
    found = doc.get("revisits")
    out = []
    for entry in found if isinstance(found, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("venue"), str):
            reason, source = str(entry.get("reason") or ""), str(entry.get("from") or "")
            out.append(Revisit(entry["venue"], reason, source))
    return out
