"""Domain records shared by the device, central and maps: the Engagement and its canonical JSON
(the people it met in people.py, its sealed texts in sealing.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from typing import Any

from fieldkit.errors import clip, quote
from fieldkit.json_input import loads
from fieldkit.model.people import PeopleGroup, Person
from fieldkit.model.record_error import RecordError
from fieldkit.model.sealing import DIGEST, SALT, Seal, seal_text, text_digest

__all__ = [
    "ACTIVITIES",
    "ACTIVITY",
    "ENGAGEMENT",
    "Engagement",
    "PeopleGroup",
    "Person",
    "RecordError",
    "canonical_json",
]

#: The `format` of format 1 records (signed history: read and verified forever).
ENGAGEMENT_FORMAT = "fieldkit-engagement/1"
#: Format 2: `persons` met one to one; sensitive text sealed by a salted digest (texts.py).
ENGAGEMENT_FORMAT_2 = "fieldkit-engagement/2"
FORMATS = (ENGAGEMENT_FORMAT, ENGAGEMENT_FORMAT_2)

#: What a record is: an engagement, or (format 2) an entry of the team's activity log.
ENGAGEMENT = "engagement"
ACTIVITY = "activity"
KINDS = (ENGAGEMENT, ACTIVITY)
#: The entries of the activity log (ICS 214): a visit started or ended, a handover note between
#: shifts, any other note of what the team did.
ACTIVITIES = ("visit_started", "visit_ended", "handover", "note")
#: Fields written only when a record is not an engagement (so an engagement's bytes, and the
#: hashes of every record ever signed, stay as they were).
KIND_FIELDS = ("kind", "activity")
#: Where a record's position came from (None: given by hand, or a record made before).
POSITION_SOURCES = (None, "gps", "venue")

#: prev_hash of a device's first record.
GENESIS_HASH = "0" * 64

#: Fields that hold free text an officer wrote: never shown on maps or in exports.
SENSITIVE_FIELDS = ("notes",)

#: The longest free text an officer may write in a record, in characters (device and central).
NOTES_MAX = 4000
REFERRAL_REF_MAX = 64

#: Fields that make the record's identity and chain, not its content: hash and signature are
#: computed over everything else.
SEAL_FIELDS = ("hash", "signature")

#: Format 2: the sensitive texts beside the signed body ({digest: {salt, text}}), outside the
#: hash so they can be removed (retention) while signature and chain still verify.
TEXTS_FIELD = "texts"


@dataclass(frozen=True)
class Engagement:
    """One engagement as logged on a device: an append-only, hash-chained, signed record.

    `time` is when the engagement took place (local time with UTC offset, as the officer gave
    it or the device's clock); `recorded_at` is the device's wall clock when the record was
    made, with `timezone` the IANA zone it was made in. `hlc` is the hybrid logical clock stamp
    that orders a device's records. `amends` names the record this one corrects (or None).
    """

    id: str
    device: str
    officer: str
    operation: str
    team: str
    hlc: str
    recorded_at: str
    timezone: str
    time: str
    venue_type: str
    visit: str | None = None
    venue: str | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    people: tuple[PeopleGroup, ...] = ()
    language: str | None = None
    interpreter: bool = False
    partners: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    referral_ref: str | None = None
    notes: str | None = None
    amends: str | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""
    signature: str = ""
    format: str = field(default=ENGAGEMENT_FORMAT)
    persons: tuple[Person, ...] = ()
    seals: tuple[Seal, ...] = ()
    kind: str = ENGAGEMENT
    activity: str | None = None
    position_source: str | None = None

    def __post_init__(self) -> None:
        # The fields are set in the instance's dict (what object.__setattr__ does for them;
        # frozen only forbids it from outside): a record is read per record at central.
        state = self.__dict__
        # Sets, not sequences: a canonical order so the same content always hashes the same.
        for name in ("partners", "indicators", "outcomes"):
            state[name] = _code_set(state[name])
        state["people"] = _merge_people(self.people)
        for name in ("lat", "lon", "accuracy_m"):
            value = state[name]
            if value is not None and type(value) is not float:
                try:
                    state[name] = float(value)
                except OverflowError:  # JSON numbers have no size limit; floats do
                    raise ValueError(f"{name} is too large a number") from None
        if type(self.persons) is not tuple:
            state["persons"] = tuple(self.persons)
        if self.position_source not in POSITION_SOURCES:
            raise ValueError(f"position_source {self.position_source!r} is not gps or venue")
        if self.format == ENGAGEMENT_FORMAT:
            if self.persons or self.seals or self.position_source:
                raise ValueError("a format 1 record holds no persons, sealed text or source")
        else:
            # Every text gets a seal when first made; a seal read from a record is kept as is,
            # so a text that no longer matches its digest is found (text_faults), not hidden.
            have = {seal.path for seal in self.seals}
            paths = self.text_paths() if self.notes or self.referral_ref or self.persons else ()
            fresh = [seal_text(p, t) for p, t in paths if p not in have and t]
            state["seals"] = tuple(self.seals) + tuple(fresh)
        _check_kind(self)

    # -- format 2: sensitive text beside the signed body ------------------------------

    def text_paths(self) -> list[tuple[str, str | None]]:
        """(path, text) of every sensitive text place: notes, the referral, each person's."""
        found = [("notes", self.notes), ("referral_ref", self.referral_ref)]
        found += [(f"persons.{n}.ref", p.ref) for n, p in enumerate(self.persons)]
        return found

    def text_faults(self) -> list[str]:
        """The paths of texts that do not match the digest in the signed body (format 2)."""
        seals = {seal.path: seal for seal in self.seals}
        faults = []
        for path, text in self.text_paths():
            seal = seals.get(path)
            if text and seal is not None:
                if seal.salt is None or text_digest(seal.salt, text) != seal.digest:
                    faults.append(path)
        return faults

    def without_texts(self) -> Engagement:
        """This record with its sensitive text removed (retention): the signed body, and so
        its hash, signature and chain, are unchanged."""
        if self.format == ENGAGEMENT_FORMAT:
            raise ValueError("format 1 records hold their text in the signed body")
        return replace(
            self,
            notes=None,
            referral_ref=None,
            persons=tuple(replace(p, ref=None) for p in self.persons),
            seals=tuple(replace(seal, salt=None) for seal in self.seals),
        )

    # -- the canonical form ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: every field, people as objects, lists as lists; format 2 with its
        sensitive texts as digests and the texts beside them (`texts`)."""
        data = asdict(self)
        if data["position_source"] is None:
            del data["position_source"]  # records made before it was kept hash as they were
        data["people"] = [asdict(g) for g in self.people]
        for name in ("partners", "indicators", "outcomes"):
            data[name] = list(data[name])
        del data["persons"], data["seals"]
        if self.kind == ENGAGEMENT:
            del data["kind"], data["activity"]
        if self.format == ENGAGEMENT_FORMAT:
            return data
        seals = {seal.path: seal for seal in self.seals}
        digest = {path: seal.digest for path, seal in seals.items()}
        data["notes"], data["referral_ref"] = digest.get("notes"), digest.get("referral_ref")
        data["persons"] = [
            {**asdict(p), "signs": list(p.signs), "ref": digest.get(f"persons.{n}.ref")}
            for n, p in enumerate(self.persons)
        ]
        data[TEXTS_FIELD] = {
            seals[path].digest: {"salt": seals[path].salt, "text": text}
            for path, text in self.text_paths()
            if text and seals[path].salt is not None
        }
        return data

    def body(self) -> dict[str, Any]:
        """The signed content: every field except hash, signature and (format 2) the texts
        beside it (prev_hash included)."""
        data = self.to_dict()
        for name in SEAL_FIELDS:
            data.pop(name)
        data.pop(TEXTS_FIELD, None)
        return data

    def canonical_body(self) -> bytes:
        """The exact bytes that are hashed: `canonical_json(self.body())`."""
        return canonical_json(self.body())

    def canonical(self) -> bytes:
        """The whole sealed record as canonical JSON bytes: what sync ships and stores."""
        return canonical_json(self.to_dict())

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_body()).hexdigest()

    def sealed(self, prev_hash: str, signer: Any) -> Engagement:
        """This record chained after `prev_hash` and signed: `signer(digest) -> hex signature`."""
        chained = replace(self, prev_hash=prev_hash, hash="", signature="")
        digest = chained.compute_hash()
        return replace(chained, hash=digest, signature=signer(bytes.fromhex(digest)))

    def public_dict(self) -> dict[str, Any]:
        """to_dict() without the sensitive free text (for maps, exports, summaries)."""
        data = self.to_dict()
        for name in (*SENSITIVE_FIELDS, TEXTS_FIELD):
            data.pop(name, None)
        return data

    def with_changes(self, **changes: Any) -> Engagement:
        return replace(self, **changes)

    @property
    def people_count(self) -> int:
        return sum(g.count for g in self.people)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Engagement:
        """Back from to_dict() (or the canonical JSON); RecordError on a malformed record."""
        if type(data) is not dict and not isinstance(data, Mapping):
            raise RecordError("an engagement record is a JSON object")
        form = data.get("format", ENGAGEMENT_FORMAT)
        if form not in FORMATS:
            raise RecordError(f"engagement format {quote(form)} is not one of {', '.join(FORMATS)}")
        known = _FIELDS_1 if form == ENGAGEMENT_FORMAT else _FIELDS_2
        if not known.issuperset(data.keys()):
            unknown = ", ".join(sorted(data.keys() - known))
            raise RecordError(f"unknown field(s) in engagement record: {clip(unknown)}")
        if data.get("kind", ACTIVITY) == ENGAGEMENT:
            raise RecordError("an engagement record does not write its kind (only an activity)")
        values = dict(data)
        if form != ENGAGEMENT_FORMAT:
            values.update(_unseal(values))
        try:
            groups = values.get("people")
            values["people"] = (
                tuple(
                    PeopleGroup(
                        str(g["gender"]), str(g["age_band"]), str(g["nationality"]), int(g["count"])
                    )
                    for g in groups
                )
                if groups
                else ()
            )
            for name in ("partners", "indicators", "outcomes"):
                codes = values.get(name)
                values[name] = tuple(codes) if codes else ()
            return _built(cls, values)
        except (TypeError, KeyError, ValueError) as exc:
            raise RecordError(f"malformed engagement record: {clip(str(exc))}") from None

    @classmethod
    def from_json(cls, text: str | bytes) -> Engagement:
        try:
            data = loads(text)
        except ValueError as exc:
            raise RecordError(f"an engagement record is not JSON: {exc}") from None
        return cls.from_dict(data)


def _built(cls: type[Engagement], values: dict[str, Any]) -> Engagement:
    """`cls(**values)`, for an Engagement read from JSON: the same record and the same checks
    (`__post_init__`), without the frozen dataclass's per-field `__init__` (a third of a
    record's reading at central). Anything but complete values of known fields, or a subclass,
    goes through `cls(**values)` itself, so its errors are the constructor's own."""
    if cls is not Engagement or not _REQUIRED <= values.keys() or not _ALL >= values.keys():
        return cls(**values)
    rec = object.__new__(cls)
    state = rec.__dict__
    state.update(_DEFAULTS)
    state.update(values)
    rec.__post_init__()
    return rec


def _check_kind(rec: Engagement) -> None:
    """An activity is a format 2 record of one of ACTIVITIES, with no one engaged and nothing
    done (its words are in `notes`); an engagement names no activity."""
    if rec.kind not in KINDS:
        raise ValueError(f"kind {quote(rec.kind)} is not one of {', '.join(KINDS)}")
    if rec.kind == ENGAGEMENT:
        if rec.activity is not None:
            raise ValueError("an engagement record names no activity")
        return
    if rec.activity not in ACTIVITIES:
        raise ValueError(f"activity {quote(rec.activity)} is not one of {', '.join(ACTIVITIES)}")
    if rec.format == ENGAGEMENT_FORMAT:
        raise ValueError("an activity is a format 2 record")
    if rec.people or rec.persons or rec.indicators or rec.outcomes or rec.referral_ref:
        raise ValueError(
            "an activity record holds no people, persons, signs, outcomes or referral "
            "(log those as an engagement)"
        )


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


#: The fields a record's JSON may hold, in format 1 and in format 2.
_FIELDS_1 = frozenset(f.name for f in fields(Engagement)) - {"persons", "seals", *KIND_FIELDS}
_FIELDS_2 = _FIELDS_1 | {"persons", TEXTS_FIELD, *KIND_FIELDS}


#: Every field of the Engagement in order, with its default (required fields: None, always
#: overwritten, see `_built`), and the fields without a default.
_DEFAULTS: dict[str, Any] = {
    f.name: None if f.default is MISSING else f.default for f in fields(Engagement)
}
_REQUIRED = frozenset(f.name for f in fields(Engagement) if f.default is MISSING)
_ALL = frozenset(_DEFAULTS)
if any(f.default_factory is not MISSING for f in fields(Engagement)):
    raise TypeError("_built shares defaults between records: Engagement has no default_factory")


def _code_set(codes: Any) -> tuple[str, ...]:
    """Codes as a set in canonical order: sorted, each once."""
    if type(codes) is tuple and (not codes or (len(codes) == 1 and type(codes[0]) is str)):
        return codes  # already a set in order
    return tuple(sorted(set(codes)))


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8, no NaN: the same data always gives the same bytes."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _merge_people(groups: Any) -> tuple[PeopleGroup, ...]:
    if groups == ():
        return ()
    if len(groups) == 1:  # one group: nothing to merge
        (g,) = groups
        if type(g) is PeopleGroup and type(g.count) is int and g.count >= 0:
            return (g,) if g.count > 0 else ()
    counts: dict[tuple[str, str, str], int] = {}
    for g in groups:
        if not isinstance(g, PeopleGroup):
            raise TypeError(f"people must be PeopleGroup, not {type(g).__name__}")
        if g.count < 0:
            raise ValueError(f"a people count cannot be negative ({g})")
        key = (g.gender, g.age_band, g.nationality)
        counts[key] = counts.get(key, 0) + g.count
    return tuple(PeopleGroup(*key, n) for key, n in sorted(counts.items()) if n > 0)
