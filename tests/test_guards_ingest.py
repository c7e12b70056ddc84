"""Central ingest, one rule at a time: each row sends batches that break one rule and names the
exact outcome: what is acknowledged and stored, what is refused and why, every problem kept
(kind, record, key, detail, open or resolved) and the device's head afterwards."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from fieldkit.field.clock import HybridClock
from fieldkit.field.keys import DeviceKey
from fieldkit.model import GENESIS_HASH, Engagement, PeopleGroup, canonical_json
from fieldkit.sync.central import Central, ForbiddenError
from fieldkit.sync.heads import advance_head
from fieldkit.sync.ingest import ingest

ALPHA, BRAVO = "alpha-0001", "bravo-0001"
KEY, BRAVO_KEY, THIEF = DeviceKey.generate(), DeviceKey.generate(), DeviceKey.generate()
KEYS = {ALPHA: KEY, BRAVO: BRAVO_KEY}


def rid(n: int) -> str:
    return f"0190a000-0000-7000-8000-{n:012d}"


def chain(
    n: int, start: int = 0, key: DeviceKey = KEY, device: str = ALPHA, prev: str = GENESIS_HASH
) -> list[dict[str, Any]]:
    """`n` sealed records of one device with ids rid(start)..., chained after `prev`."""
    clock = HybridClock(wall=lambda: 1_695_578_400_000)
    out = []
    for i in range(n):
        rec = Engagement(
            id=rid(start + i),
            device=device,
            officer="pc-okafor",
            operation="barnet",
            team="alpha",
            hlc=str(clock.now()),
            recorded_at="2023-09-26T19:00:00+01:00",
            timezone="Europe/London",
            time="2023-09-26T19:00:00+01:00",
            venue_type="brothel",
            people=(PeopleGroup("female", "age_25_34", "romanian", i + 1),),
            notes="Bună ziua",  # a problem keeps the record's text as written, not escaped
        ).sealed(prev, key.sign)
        prev = rec.hash
        out.append(rec.to_dict())
    return out


def resealed(data: dict[str, Any], key: DeviceKey = KEY, **changes: Any) -> dict[str, Any]:
    rec = Engagement.from_dict(data)
    return replace(rec, **changes).sealed(rec.prev_hash, key.sign).to_dict()


A = chain(4)  # the device's chain
F = chain(2, start=100)  # a second chain from genesis: a restored backup
X = chain(1, start=200, prev=A[0]["hash"])  # another record after A[0]: a fork there
G = chain(1, start=50)  # a third chain from genesis
LONG = chain(1201, start=1000)  # longer than one query chunk (500)
FORK = "the device's chain forks (a restored backup, or a copied key)"
_TEMPLATE: dict[str, Path] = {}


def fresh(tmp: Path) -> Central:
    """A central store with both devices enrolled and bound to their keys."""
    if "db" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp())
        with Central(folder / "central.db", create=True) as central:
            for device, team, officer in (
                (ALPHA, "alpha", "pc-okafor"),
                (BRAVO, "bravo", "dc-patel"),
            ):
                cred, _ = central.enroll_device(team, "barnet", officer, device_id=device)
                central.bind(central.device_row(cred) or {}, device, KEYS[device].public_hex)
            central.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE["db"] = folder / "central.db"
    shutil.copyfile(_TEMPLATE["db"], tmp / "central.db")
    return Central(tmp / "central.db")


@dataclass
class Outcome:
    """What the last ingest answered and what central holds afterwards."""

    acknowledged: list[str]
    new: int
    duplicates: int
    rejected: list[dict[str, Any]] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=dict)
    #: (device, kind, record id, missing hash, key, detail, the record's text, still open)
    problems: list[tuple[Any, ...]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)


Batch = tuple[str, list[dict[str, Any]]]


def run(tmp: Path, batches: list[Batch]) -> Outcome:
    with fresh(tmp) as central:
        for device, records in batches:
            result = ingest(central, device, KEYS[device].public_hex, [dict(r) for r in records])
        problems = central.query(
            "SELECT device, kind, record_id, missing, key, detail, record, "
            "resolved_at IS NULL FROM problems ORDER BY n"
        )
        stored = [r[0] for r in central.query("SELECT id FROM records ORDER BY id")]
    return Outcome(
        result.acknowledged,
        result.new,
        result.duplicates,
        result.rejected,
        result.head,
        [(*p[:6], kept(p[6]), bool(p[7])) for p in problems],
        stored,
    )


def kept(record_text: str | None) -> dict[str, Any] | None:
    """A problem's copy of the record, which keeps text as written (not \\u-escaped)."""
    if record_text is None:
        return None
    assert "\\u" not in record_text
    return dict(json.loads(record_text))


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


def head(last: dict[str, Any] | None, count: int, stored: int) -> dict[str, Any]:
    return {"hash": last["hash"] if last else None, "count": count, "stored": stored}


def refused(data: dict[str, Any], kind: str, detail: str) -> dict[str, Any]:
    return {"id": data["id"], "kind": kind, "detail": detail}


def problem(
    kind: str,
    data: dict[str, Any],
    detail: str,
    record: dict[str, Any],
) -> tuple[Any, ...]:
    """A refused record's problem: keyed by its id and hash, its text kept."""
    key = f"{record['id']}:{record['hash']}"
    return (ALPHA, kind, data["id"], None, key, detail, record, True)


def gap(data: dict[str, Any], device: str = ALPHA, still_open: bool = True) -> tuple[Any, ...]:
    prev = data["prev_hash"]
    detail = (
        f"record {data['id']} follows hash {prev[:12]}..., which central has not received (yet)"
    )
    return (device, "gap", data["id"], prev, f"{device}:{prev}", detail, None, still_open)


def fork(prev: str, *forked: dict[str, Any]) -> tuple[Any, ...]:
    named = sorted(ids(list(forked)))
    detail = f"records {', '.join(named)} all follow hash {prev[:12]}...: {FORK}"
    return (ALPHA, "fork", named[-1], None, f"{ALPHA}:{prev}:{named[-1]}", detail, None, True)


CHANGED = "its content does not match its hash (changed after it was signed)"
NOT_SIGNED = "its signature is not this device's key"
REUSE = (
    f"central already holds another record with id {A[1]['id']} (from device {ALPHA}); "
    "this one was not stored"
)
BAD_SIG = {**A[2], "signature": "00" * 64}
EDITED = {**A[0], "venue_type": "car_wash"}
REUSED = resealed(A[1], venue_type="car_wash")
STOLEN = chain(2, key=THIEF)
AFTER_A0 = chain(1, start=300, key=BRAVO_KEY, device=BRAVO, prev=A[0]["hash"])

Row = tuple[list[Batch], Outcome]
ROWS: dict[str, Row] = {
    "a new run": (
        [(ALPHA, A[:3])],
        Outcome(ids(A[:3]), 3, 0, head=head(A[2], 3, 3), stored=ids(A[:3])),
    ),
    "the same run again": (
        [(ALPHA, A[:2]), (ALPHA, A[:2])],
        Outcome(ids(A[:2]), 0, 2, head=head(A[1], 2, 2), stored=ids(A[:2])),
    ),
    "one record twice in a batch": (
        [(ALPHA, [A[0], A[0]])],
        Outcome(ids(A[:1]), 1, 0, head=head(A[0], 1, 1), stored=ids(A[:1])),
    ),
    "content changed after signing": (
        [(ALPHA, [EDITED])],
        Outcome(
            [],
            0,
            0,
            [refused(A[0], "bad hash", CHANGED)],
            head(None, 0, 0),
            [problem("bad hash", A[0], CHANGED, EDITED)],
        ),
    ),
    "signed by another key": (
        [(ALPHA, STOLEN)],
        Outcome(
            [],
            0,
            0,
            [refused(r, "bad signature", NOT_SIGNED) for r in STOLEN],
            head(None, 0, 0),
            [problem("bad signature", r, NOT_SIGNED, r) for r in STOLEN],
        ),
    ),
    "the last of a run badly signed": (
        [(ALPHA, [*A[:2], BAD_SIG])],
        Outcome(
            ids(A[:2]),
            2,
            0,
            [refused(A[2], "bad signature", NOT_SIGNED)],
            head(A[1], 2, 2),
            [problem("bad signature", A[2], NOT_SIGNED, BAD_SIG)],
            ids(A[:2]),
        ),
    ),
    "the middle of a run badly signed: the good tail vouches for it": (
        [(ALPHA, [A[0], {**A[1], "signature": "00" * 64}, A[2]])],
        Outcome(ids(A[:3]), 3, 0, head=head(A[2], 3, 3), stored=ids(A[:3])),
    ),
    "an id reused for other content": (
        [(ALPHA, A[:2]), (ALPHA, [REUSED])],
        Outcome(
            [],
            0,
            0,
            [refused(A[1], "id reuse", REUSE)],
            head(A[1], 2, 2),
            [problem("id reuse", A[1], REUSE, REUSED)],
            ids(A[:2]),
        ),
    ),
    "a run continued": (
        [(ALPHA, A[:2]), (ALPHA, A[2:])],
        Outcome(ids(A[2:]), 2, 0, head=head(A[3], 4, 4), stored=ids(A)),
    ),
    "two runs continuing stored records": (
        [(ALPHA, [A[0]]), (ALPHA, [A[2]]), (ALPHA, [A[1], A[3]])],
        Outcome(
            [A[1]["id"], A[3]["id"]],
            2,
            0,
            [],
            head(A[3], 4, 4),
            [gap(A[2], still_open=False)],
            ids(A),
        ),
    ),
    "the first and the last of a run badly signed": (
        [(ALPHA, [{**A[0], "signature": "00" * 64}, A[1], BAD_SIG])],
        Outcome(
            ids(A[1:2]),
            1,
            0,
            [
                refused(A[0], "bad signature", NOT_SIGNED),
                refused(A[2], "bad signature", NOT_SIGNED),
            ],
            head(None, 0, 1),
            [
                problem("bad signature", A[0], NOT_SIGNED, {**A[0], "signature": "00" * 64}),
                problem("bad signature", A[2], NOT_SIGNED, BAD_SIG),
                gap(A[1]),
            ],
            ids(A[1:2]),
        ),
    ),
    "a gap": (
        [(ALPHA, A[2:])],
        Outcome(ids(A[2:]), 2, 0, [], head(None, 0, 2), [gap(A[2])], ids(A[2:])),
    ),
    "a gap filled": (
        [(ALPHA, A[2:]), (ALPHA, A[:2])],
        Outcome(ids(A[:2]), 2, 0, [], head(A[3], 4, 4), [gap(A[2], still_open=False)], ids(A)),
    ),
    "two gaps, one filled": (
        [(ALPHA, [A[1]]), (ALPHA, [A[3]]), (ALPHA, [A[0]])],
        Outcome(
            ids(A[:1]),
            1,
            0,
            [],
            head(A[1], 2, 3),
            [gap(A[1], still_open=False), gap(A[3])],
            [A[0]["id"], A[1]["id"], A[3]["id"]],
        ),
    ),
    "a long run with a gap, filled": (
        [(ALPHA, LONG[1:]), (ALPHA, LONG[:1])],
        Outcome(
            ids(LONG[:1]),
            1,
            0,
            [],
            head(LONG[-1], 1201, 1201),
            [gap(LONG[1], still_open=False)],
            ids(LONG),
        ),
    ),
    "following another device's record is a gap": (
        [(ALPHA, A[:1]), (BRAVO, AFTER_A0)],
        Outcome(
            ids(AFTER_A0),
            1,
            0,
            [],
            head(None, 0, 1),
            [gap(AFTER_A0[0], device=BRAVO)],
            [A[0]["id"], AFTER_A0[0]["id"]],
        ),
    ),
    "a fork in one batch": (
        [(ALPHA, [*A[:3], F[0]])],
        Outcome(
            [*ids(A[:3]), F[0]["id"]],
            4,
            0,
            [],
            head(A[2], 3, 4),  # the first record after genesis by (hlc, id) and its run
            [fork(GENESIS_HASH, A[0], F[0])],
            [*ids(A[:3]), F[0]["id"]],
        ),
    ),
    "a fork in one batch, sent the other way round": (
        [(ALPHA, [F[0], *A[:3]])],
        Outcome(
            [F[0]["id"], *ids(A[:3])],
            4,
            0,
            [],
            head(A[2], 3, 4),
            [fork(GENESIS_HASH, A[0], F[0])],
            [*ids(A[:3]), F[0]["id"]],
        ),
    ),
    "a fork across batches": (
        [(ALPHA, A[:3]), (ALPHA, F)],
        Outcome(
            ids(F),
            2,
            0,
            [],
            head(A[2], 3, 5),  # the head stays on the branch it followed
            [fork(GENESIS_HASH, A[0], F[0])],
            [*ids(A[:3]), *ids(F)],
        ),
    ),
    "a fork found first by its later branch": (
        [(ALPHA, F), (ALPHA, A[:2])],
        Outcome(
            ids(A[:2]),
            2,
            0,
            [],
            head(F[1], 2, 4),
            [fork(GENESIS_HASH, A[0], F[0])],
            [*ids(A[:2]), *ids(F)],
        ),
    ),
    "two gaps filled at once": (
        [(ALPHA, [A[1]]), (ALPHA, [A[3]]), (ALPHA, [A[0], A[2]])],
        Outcome(
            [A[0]["id"], A[2]["id"]],
            2,
            0,
            [],
            head(A[3], 4, 4),
            [gap(A[1], still_open=False), gap(A[3], still_open=False)],
            ids(A),
        ),
    ),
    "a fork after a record of the same batch": (
        [(ALPHA, [*A[:3], *X])],
        Outcome(
            [*ids(A[:3]), X[0]["id"]],
            4,
            0,
            [],
            head(X[0], 2, 4),  # X[0] has the earlier stamp
            [fork(A[0]["hash"], A[1], X[0])],
            [*ids(A[:3]), X[0]["id"]],
        ),
    ),
    "a fork three ways": (
        [(ALPHA, [A[0], *F[:1], *G])],
        Outcome(
            [A[0]["id"], F[0]["id"], G[0]["id"]],
            3,
            0,
            [],
            head(A[0], 1, 3),
            [fork(GENESIS_HASH, A[0], F[0], G[0])],
            [A[0]["id"], G[0]["id"], F[0]["id"]],
        ),
    ),
    "a fork found when the shared predecessor arrives last": (
        [(ALPHA, [A[1]]), (ALPHA, X), (ALPHA, [A[0]])],
        Outcome(
            ids(A[:1]),
            1,
            0,
            [],
            head(X[0], 2, 3),  # past the fork: the first by (hlc, id), X[0] the earlier stamp
            [gap(A[1], still_open=False), fork(A[0]["hash"], A[1], X[0])],
            [*ids(A[:2]), X[0]["id"]],
        ),
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_each_rule_gives_its_exact_outcome(name: str, tmp_path: Path) -> None:
    batches, expected = ROWS[name]
    assert run(tmp_path, batches) == expected


MALFORMED: dict[str, tuple[dict[str, Any], str]] = {
    "fields missing": (
        {"device": ALPHA},
        "missing field(s): hlc, id, officer, operation, recorded_at, team, time, "
        "timezone, venue_type",
    ),
    "not ASCII": (
        {"device": ALPHA, "id": "x2", "notes": "Bună ziua"},
        "missing field(s): hlc, officer, operation, recorded_at, team, time, timezone, venue_type",
    ),
    "a field of the wrong type": (
        {"device": ALPHA, "id": "x1", "hlc": None},
        "field 'hlc' has the wrong type (NoneType)",
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_record_is_kept_as_a_problem(name: str, tmp_path: Path) -> None:
    data, why = MALFORMED[name]
    text = json.dumps(data, ensure_ascii=False, default=repr)
    key = hashlib.sha256(text.encode()).hexdigest()
    detail = f"not a valid record: {why}"
    expected = Outcome(
        [],
        0,
        0,
        [{"id": data.get("id"), "kind": "malformed", "detail": detail}],
        head(None, 0, 0),
        [(ALPHA, "malformed", data.get("id"), None, key, detail, data, True)],
    )
    assert run(tmp_path, [(ALPHA, [data])]) == expected


def test_a_record_of_another_device_stops_the_whole_push(tmp_path: Path) -> None:
    theirs = chain(1, start=400, key=BRAVO_KEY, device=BRAVO)[0]
    with fresh(tmp_path) as central:
        with pytest.raises(ForbiddenError) as caught:
            ingest(central, ALPHA, KEY.public_hex, [A[0], theirs])
        assert str(caught.value) == (
            f"device {ALPHA} may push only its own records; record {theirs['id']} names "
            f"device '{BRAVO}'"
        )
        with pytest.raises(ForbiddenError) as caught:
            ingest(central, ALPHA, KEY.public_hex, [A[0], ["not", "a", "record"]])  # type: ignore[list-item]
        assert str(caught.value) == (
            f"device {ALPHA} may push only its own records; record ? names device None"
        )
        assert central.record_count() == 0 and central.problems() == []


def line(data: dict[str, Any]) -> bytes:
    return canonical_json(data)


def test_a_bundle_line_is_what_is_checked_and_stored(tmp_path: Path) -> None:
    """The signed body is cut from the line as received, not rebuilt from the parsed record."""
    with fresh(tmp_path) as central:
        parsed = {**A[0], "notes": "changed after parsing"}  # not what the line says
        result = ingest(central, ALPHA, KEY.public_hex, [parsed], [line(A[0])])
        assert (result.new, result.rejected) == (1, [])
        body = central.query("SELECT body FROM records")[0][0]
        assert json.loads(body) == {k: v for k, v in A[0].items() if k not in ("hash", "signature")}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(A[0]).encode(),  # not canonical: spaces after separators
        line(A[0]).replace(b'"hash"', b'"hash":"x","hash"', 1),  # a seal pair cut twice
        line({**A[0], "notes": "x"}),  # canonical, but not what was signed
    ],
    ids=["not canonical", "seal pair twice", "another body"],
)
def test_a_line_that_cannot_be_cut_is_checked_from_the_record(tmp_path: Path, text: bytes) -> None:
    with fresh(tmp_path) as central:
        edited = {**A[0], "notes": "changed"}
        result = ingest(central, ALPHA, KEY.public_hex, [edited, A[1]], [text, line(A[1])])
        assert result.rejected == [refused(A[0], "bad hash", CHANGED)]
        assert result.acknowledged == ids(A[1:2])


def test_two_devices_amending_one_record_are_one_conflict(tmp_path: Path) -> None:
    target = A[0]["id"]
    mine = resealed(A[1], amends=target)
    again = resealed(chain(1, start=2, prev=mine["hash"])[0], amends=target)
    plain = AFTER_A0[0]  # amends nothing
    theirs = resealed(
        chain(1, start=301, key=BRAVO_KEY, device=BRAVO)[0], key=BRAVO_KEY, amends=target
    )
    theirs = Engagement.from_dict(theirs).sealed(plain["hash"], BRAVO_KEY.sign).to_dict()
    with fresh(tmp_path) as central:
        ingest(central, ALPHA, KEY.public_hex, [A[0], mine])
        assert central.conflicts() == []  # one device amending its own record
        ingest(central, BRAVO, BRAVO_KEY.public_hex, [plain, theirs])
        ingest(central, ALPHA, KEY.public_hex, [again])
        found = [{k: v for k, v in c.items() if k != "found_at"} for c in central.conflicts()]
    pairs = sorted([(mine["id"], ALPHA), (theirs["id"], BRAVO)])
    later = sorted([(again["id"], ALPHA), (theirs["id"], BRAVO)])
    assert found == [
        {"amends": target, "record_a": a[0], "device_a": a[1], "record_b": b[0], "device_b": b[1]}
        for a, b in (pairs, later)
    ]


def test_the_head_of_a_device_central_does_not_know(tmp_path: Path) -> None:
    with fresh(tmp_path) as central, central.transaction() as conn:
        assert advance_head(conn, "charlie-0001") == {"hash": None, "count": 0, "stored": 0}
