"""An ODK submission instance (the XML Collect, Briefcase and ODK Central write), read safely."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from fieldkit.errors import UserError, quote

#: The largest submission read: an engagement's XML is a few kilobytes.
SUBMISSION_MAX = 1024 * 1024
#: The repeat groups of the engagement form (fieldkit/forms/xlsform.py).
REPEATS = ("people", "persons")
_ENVELOPE = ("meta", "__system")


class SubmissionError(UserError):
    """A submission that cannot be read as the engagement form's: what and where."""


@dataclass
class Submission:
    """One filled instance: its form, identity, answers and where it came from."""

    where: str
    form_id: str
    version: str
    instance_id: str
    digest: str
    answers: dict[str, str] = field(default_factory=dict)
    people: list[dict[str, str]] = field(default_factory=list)
    persons: list[dict[str, str]] = field(default_factory=list)
    deprecated_id: str | None = None
    submitter: str | None = None
    submitted_at: str | None = None
    media: list[str] = field(default_factory=list)


def _name(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def _text(element: Element) -> str:
    return (element.text or "").strip()


def read_submission(raw: bytes, where: str) -> Submission:
    """The submission in `raw`; SubmissionError naming `where` if it is not one."""
    if len(raw) > SUBMISSION_MAX:
        raise SubmissionError(f"{where}: larger than {SUBMISSION_MAX} bytes, not a submission")
    try:
        root = fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        raise SubmissionError(
            f"{where}: not well-formed submission XML (a DTD or entities, refused: a "
            "submission has neither)"
        ) from None
    except (ParseError, ValueError) as exc:
        raise SubmissionError(f"{where}: not well-formed submission XML ({exc})") from None
    form_id = root.get("id")
    if not form_id:
        raise SubmissionError(f"{where}: the instance names no form (no id on <{_name(root)}>)")
    meta = {_name(e): _text(e) for m in root if _name(m) == "meta" for e in m}
    instance = meta.get("instanceID") or ""
    if not instance:
        raise SubmissionError(f"{where}: no meta/instanceID")
    sub = Submission(
        where=where,
        form_id=form_id,
        version=root.get("version") or "",
        instance_id=instance,
        digest=hashlib.sha256(raw).hexdigest(),
        deprecated_id=meta.get("deprecatedID") or None,
    )
    for child in root:
        name = _name(child)
        if name in REPEATS:
            entry = {_name(e): _text(e) for e in child}
            if any(entry.values()):
                getattr(sub, name).append(entry)
        elif name not in _ENVELOPE:
            if len(child):
                raise SubmissionError(f"{where}: <{name}> holds elements; not this form's")
            sub.answers[name] = _text(child)
    return sub


def instance_uuid(sub: Submission) -> str:
    """The record id an instance gets: its instanceID without `uuid:`."""
    return sub.instance_id.removeprefix("uuid:").lower()


def checked_answers(sub: Submission, required: tuple[str, ...]) -> dict[str, Any]:
    """The answers, with a SubmissionError naming the first required one missing."""
    for name in required:
        if not sub.answers.get(name):
            raise SubmissionError(f"{sub.where}: {quote(name)} is not answered")
    return sub.answers
