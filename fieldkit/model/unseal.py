"""Format 2's sealed texts read back: the persons, texts and seals in a record's JSON."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fieldkit.errors import clip
from fieldkit.model.formats import TEXTS_FIELD
from fieldkit.model.people import Person
from fieldkit.model.record_error import RecordError
from fieldkit.model.sealing import DIGEST, SALT, Seal


def _unseal(values: dict[str, Any]) -> dict[str, Any]:
    """Format 2's persons, texts and seals from a record's JSON; RecordError if malformed."""
    texts = values.pop(TEXTS_FIELD, None) or {}
    if not isinstance(texts, dict):
        raise RecordError("texts is an object of {digest: {salt, text}}")
    if not texts and not values.get("persons"):
        if values.get("notes") is None and values.get("referral_ref") is None:
            return _NOTHING_SEALED  # no text place holds a digest: nothing to unseal
    try:
        raw = [dict(p) for p in values.get("persons") or ()]
        persons = [Person(**{**p, "signs": tuple(p.get("signs") or ())}) for p in raw]
    except (TypeError, ValueError) as exc:
        raise RecordError(f"malformed persons: {clip(str(exc))}") from None
    places = [("notes", values.get("notes")), ("referral_ref", values.get("referral_ref"))]
    places += [(f"persons.{n}.ref", p.ref) for n, p in enumerate(persons)]
    seals: list[Seal] = []
    plain: dict[str, str | None] = {}
    used: set[str] = set()
    for path, digest in places:
        if digest is None:
            continue
        if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
            raise RecordError(f"{path} is not a text digest (sha256: and 64 hex digits)")
        entry = texts.get(digest)
        if entry is None:
            seals.append(Seal(path, digest, None))
            plain[path] = None
            continue
        salt, text = _text_entry(digest, entry)
        used.add(digest)
        seals.append(Seal(path, digest, salt))
        plain[path] = text
    stray = sorted(set(texts) - used)
    if stray:
        raise RecordError(f"texts holds {clip(stray[0])}, a digest the record does not name")
    return {
        "notes": plain.get("notes"),
        "referral_ref": plain.get("referral_ref"),
        "persons": tuple(
            replace(p, ref=plain.get(f"persons.{n}.ref")) for n, p in enumerate(persons)
        ),
        "seals": tuple(seals),
    }


#: What _unseal gives for a record with no persons and no sealed text.
_NOTHING_SEALED: dict[str, Any] = {
    "notes": None,
    "referral_ref": None,
    "persons": (),
    "seals": (),
}


def _text_entry(digest: str, entry: Any) -> tuple[str, str]:
    if (
        not isinstance(entry, dict)
        or set(entry) != {"salt", "text"}
        or not isinstance(entry["salt"], str)
        or not SALT.fullmatch(entry["salt"])
        or not isinstance(entry["text"], str)
    ):
        raise RecordError(f"texts[{clip(digest)}] is not {{salt: 32 hex digits, text}}")
    return entry["salt"], entry["text"]
