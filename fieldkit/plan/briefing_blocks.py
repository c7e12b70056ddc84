"""The briefing pack as pages of blocks, which the Markdown, HTML and PDF writers render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldkit.codes import CodeBook
from fieldkit.i18n import N_
from fieldkit.plan.briefing_words import ENGLISH, Words
from fieldkit.playbook.order import Contact, Meeting

#: ("h", level, text) | ("p", text) | ("ul", [items]) | ("table", head, rows)
#: | ("card", title, [paragraphs], [lines]): a leaflet card to cut out
Block = tuple[Any, ...]

NOT_GIVEN = N_("Not given in the playbook.")


@dataclass
class Page:
    """A printed page (or more when it runs over): the order, one team's day, an annex."""

    kind: str
    blocks: list[Block] = field(default_factory=list)


def label(book: CodeBook, kind: str, code: str, words: Words = ENGLISH) -> str:
    """A code's label in the pack's languages (the code itself when the list does not know
    it)."""
    entry = book[kind].get(code)
    return words.code(entry) if entry else code


def contact_line(contact: Contact) -> str:
    """ "Role: Name (contact)" for a list of people to call."""
    role = f"{contact.role}: " if contact.role else ""
    phone = f" ({contact.contact})" if contact.contact else ""
    return f"{role}{contact.name}{phone}"


def meeting_line(meeting: Meeting | None, place: str, words: Words = ENGLISH) -> str:
    """ "06:30-07:00, Colindale Police Station, Briefing room 2" (or that none is set)."""
    if meeting is None:
        return words._("none set")
    end_minutes = meeting.at.hour * 60 + meeting.at.minute + meeting.minutes
    end = f"{end_minutes // 60 % 24:02d}:{end_minutes % 60:02d}"
    room = f", {meeting.room}" if meeting.room else ""
    only = words._("{days} only", days=", ".join(meeting.days)) if meeting.days else ""
    days = f" ({only})" if only else ""
    return f"{meeting.at:%H:%M}-{end}, {place}{room}{days}"
