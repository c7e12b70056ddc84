"""An ODK submission as an engagement record (format 2) of central's ODK source for its team."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from fieldkit.central.content import is_uuid
from fieldkit.central.odk_submission import (
    Submission,
    SubmissionError,
    checked_answers,
    instance_uuid,
)
from fieldkit.errors import quote
from fieldkit.model import ENGAGEMENT_FORMAT_2, Engagement, PeopleGroup, Person, RecordError

#: The questions every submission answers (the form makes them required or calculated).
REQUIRED = ("operation", "team", "officer", "venue_type")
#: The source a record from a phone form carries (its device id starts with it).
ODK = "odk"


def odk_device(operation: str, team: str) -> str:
    """The device id of central's ODK source for a team: `odk-OP-TEAM`."""
    return f"{ODK}-{operation}-{team}"


def is_odk_device(device: str) -> bool:
    return device.startswith(f"{ODK}-")


def _none(value: str | None) -> str | None:
    return value or None


def _codes(value: str | None) -> tuple[str, ...]:
    return tuple((value or "").split())


def _moment(sub: Submission, *names: str) -> str:
    for name in names:
        text = sub.answers.get(name)
        if text:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise SubmissionError(f"{sub.where}: {name} {quote(text)} is not a time") from None
            if moment.tzinfo is None:
                raise SubmissionError(f"{sub.where}: {name} {quote(text)} has no UTC offset")
            return moment.isoformat(timespec="seconds")
    raise SubmissionError(f"{sub.where}: no time (neither {' nor '.join(names)})")


def _position(sub: Submission) -> tuple[float | None, float | None, float | None]:
    text = sub.answers.get("location") or ""
    if not text:
        return None, None, None
    parts = text.split()
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(map(math.isfinite, values)):
        raise SubmissionError(f"{sub.where}: location {quote(text)} is not a geopoint")
    return values[0], values[1], values[3]


def _groups(sub: Submission) -> tuple[PeopleGroup, ...]:
    groups = []
    for n, g in enumerate(sub.people, start=1):
        count = g.get("group_count", "")
        if not count.isascii() or not count.isdigit():
            raise SubmissionError(f"{sub.where}: people {n}: count {quote(count)} is not a number")
        groups.append(
            PeopleGroup(
                g.get("group_gender", ""),
                g.get("group_age_band", ""),
                g.get("group_nationality", ""),
                int(count),
            )
        )
    return tuple(groups)


def _persons(sub: Submission) -> tuple[Person, ...]:
    return tuple(
        Person(
            gender=p.get("person_gender", ""),
            age_band=p.get("person_age_band", ""),
            nationality=p.get("person_nationality", ""),
            language=_none(p.get("person_language")),
            signs=_codes(p.get("person_signs")),
            consent=p.get("person_consent") or "not_asked",
            route=p.get("person_route") or "none",
            by=_none(p.get("person_by")),
            ref=_none(p.get("person_ref")),
            interpreter=p.get("person_interpreter") or "none",
        )
        for p in sub.persons
    )


def _stamp(recorded_at: str) -> str:
    ms = int(datetime.fromisoformat(recorded_at).astimezone(UTC).timestamp() * 1000)
    return f"{max(ms, 0):015d}-00000"


def engagement(sub: Submission, timezone: str) -> Engagement:
    """The unsealed record of `sub`; SubmissionError if its answers are not a record's."""
    answers = checked_answers(sub, REQUIRED)
    rec_id = instance_uuid(sub)
    if not is_uuid(rec_id):
        raise SubmissionError(
            f"{sub.where}: instanceID {quote(sub.instance_id)} is not uuid: and a UUID"
        )
    amends = instance_uuid_of(sub.deprecated_id, sub.where) if sub.deprecated_id else None
    recorded = _moment(sub, "end", "start", "time")
    lat, lon, accuracy = _position(sub)
    try:
        return Engagement(
            id=rec_id,
            device=odk_device(answers["operation"], answers["team"]),
            officer=answers["officer"],
            operation=answers["operation"],
            team=answers["team"],
            hlc=_stamp(recorded),
            recorded_at=recorded,
            timezone=timezone,
            time=_moment(sub, "time", "start", "end"),
            venue_type=answers["venue_type"],
            visit=_none(answers.get("visit")),
            venue=_none(answers.get("venue")),
            lat=lat,
            lon=lon,
            accuracy_m=accuracy,
            people=_groups(sub),
            language=_none(answers.get("language")),
            interpreter=answers.get("interpreter") == "yes",
            partners=_codes(answers.get("partners")),
            indicators=_codes(answers.get("indicators")),
            outcomes=_codes(answers.get("outcomes")),
            referral_ref=_none(answers.get("referral_ref")),
            notes=_none(answers.get("notes")),
            amends=amends,
            format=ENGAGEMENT_FORMAT_2,
            persons=_persons(sub),
        )
    except (RecordError, ValueError, TypeError) as exc:
        raise SubmissionError(f"{sub.where}: not an engagement record ({exc})") from None


def instance_uuid_of(instance_id: str, where: str) -> str:
    rec_id = instance_id.removeprefix("uuid:").lower()
    if not is_uuid(rec_id):
        raise SubmissionError(f"{where}: deprecatedID {quote(instance_id)} is not uuid: and a UUID")
    return rec_id
