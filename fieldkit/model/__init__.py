"""Domain records shared by the device, central and maps: the Engagement (its formats and field
names in formats.py, its canonical JSON in canonical.py, the people it met in people.py, its
sealed texts in sealing.py and unseal.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from typing import Any

from fieldkit.errors import clip, quote
from fieldkit.json_input import loads
from fieldkit.model.canonical import _code_set, _merge_people, canonical_json
from fieldkit.model.formats import (
    ACTIVITIES,
    ACTIVITY,
    ENGAGEMENT,
    ENGAGEMENT_FORMAT,
    ENGAGEMENT_FORMAT_2,
    FORMATS,
    GENESIS_HASH,
    KIND_FIELDS,
    KINDS,
    NOTES_MAX,
    POSITION_SOURCES,
    REFERRAL_REF_MAX,
    SEAL_FIELDS,
    SENSITIVE_FIELDS,
    TEXTS_FIELD,
)
from fieldkit.model.people import PeopleGroup, Person
from fieldkit.model.record_error import RecordError
from fieldkit.model.sealing import Seal, seal_text, text_digest
from fieldkit.model.unseal import _unseal

__all__ = [
    "ACTIVITIES",
    "ACTIVITY",
    "ENGAGEMENT",
    "ENGAGEMENT_FORMAT",
    "ENGAGEMENT_FORMAT_2",
    "FORMATS",
    "GENESIS_HASH",
    "KINDS",
    "KIND_FIELDS",
    "NOTES_MAX",
    "POSITION_SOURCES",
    "REFERRAL_REF_MAX",
    "SEAL_FIELDS",
    "SENSITIVE_FIELDS",
    "TEXTS_FIELD",
    "Engagement",
    "PeopleGroup",
    "Person",
    "RecordError",
    "canonical_json",
]


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
