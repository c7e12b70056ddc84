"""Central ingest, one rule at a time: each row sends batches that break one rule and names the
exact outcome: what is acknowledged and stored, what is refused and why, every problem kept
(kind, record, key, detail, open or resolved) and the device's head afterwards."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.heads import advance_head
from fieldkit.central.ingest import ingest
from fieldkit.central.store import ForbiddenError
from fieldkit.model import GENESIS_HASH, Engagement, canonical_json
from tests.support.ingest_cases import (
    ALPHA,
    BRAVO,
    BRAVO_KEY,
    KEY,
    LONG,
    THIEF,
    A,
    Batch,
    F,
    G,
    Outcome,
    X,
    chain,
    fork,
    fresh,
    gap,
    head,
    ids,
    problem,
    refused,
    resealed,
    run,
)

CHANGED = "its content does not match its hash (changed after it was signed)"
NOT_SIGNED = "its signature is not this device's key"
REUSE = (
    f'central already holds another record with id "{A[1]["id"]}" (from device {ALPHA}); '
    "this one was not stored"
)
BAD_SIG = {**A[2], "signature": "00" * 64}
EDITED = {**A[0], "venue_type": "car_wash"}
REUSED = resealed(A[1], venue_type="car_wash")
STOLEN = chain(2, key=THIEF)
INFINITE = {**A[0], "lat": float("inf"), "lon": 0.0}  # no JSON number: central cannot hash it
BAD_TEAM = resealed(A[0], team="bravo")  # signed, but not the device's team
AFTER_BAD = chain(1, start=500, prev=BAD_TEAM["hash"])
NOT_TEAM = 'team "bravo" is not this device\'s (alpha)'
TWO_FORM_FAULTS = {**A[0], "id": "[/bold]x", "hlc": "tomorrow"}


def content_problem(data: dict[str, Any], detail: str) -> tuple[Any, ...]:
    """A record refused for what it says: keyed by its hash, its text kept."""
    return (ALPHA, "content", data["id"], None, data["hash"], detail, data, True)


def gap_after_refused(data: dict[str, Any], refused_record: dict[str, Any]) -> tuple[Any, ...]:
    prev = data["prev_hash"]
    detail = (
        f"record {data['id']} follows hash {prev[:12]}..., which central refused for its "
        f"content (record {refused_record['id']})"
    )
    return (ALPHA, "gap", data["id"], prev, f"{ALPHA}:{prev}", detail, None, True)


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
    "a number JSON cannot hold, in a record central hashes itself": (
        [(ALPHA, [INFINITE])],
        Outcome(
            [],
            0,
            0,
            [refused(A[0], "bad hash", CHANGED)],
            head(None, 0, 0),
            [problem("bad hash", A[0], CHANGED, INFINITE)],
        ),
    ),
    "a record refused for its content, and the record after it": (
        [(ALPHA, [BAD_TEAM, *AFTER_BAD])],
        Outcome(
            ids(AFTER_BAD),
            1,
            0,
            [refused(BAD_TEAM, "content", NOT_TEAM)],
            head(None, 0, 1),
            [content_problem(BAD_TEAM, NOT_TEAM), gap_after_refused(AFTER_BAD[0], BAD_TEAM)],
            ids(AFTER_BAD),
        ),
    ),
    "the record after one refused for its content in an earlier batch": (
        [(ALPHA, [BAD_TEAM]), (ALPHA, AFTER_BAD)],
        Outcome(
            ids(AFTER_BAD),
            1,
            0,
            [],
            head(None, 0, 1),
            [content_problem(BAD_TEAM, NOT_TEAM), gap_after_refused(AFTER_BAD[0], BAD_TEAM)],
            ids(AFTER_BAD),
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
    "two gaps in one batch": (
        [(ALPHA, [A[1], A[3]])],
        Outcome(
            [A[1]["id"], A[3]["id"]],
            2,
            0,
            [],
            head(None, 0, 2),
            [gap(A[1]), gap(A[3])],
            [A[1]["id"], A[3]["id"]],
        ),
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
    "two form rules broken": (
        TWO_FORM_FAULTS,
        'id "[/bold]x" is not a UUID (8-4-4-4-12 lowercase hex digits); '
        'hlc "tomorrow" is not a clock stamp (15 digits, a hyphen, 5 digits)',
    ),
    "a field of the wrong type": (
        {"device": ALPHA, "id": "x1", "hlc": None},
        'field "hlc" has the wrong type (NoneType)',
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
            f'device {ALPHA} may push only its own records; record "{theirs["id"]}" names '
            f'device "{BRAVO}"'
        )
        with pytest.raises(ForbiddenError) as caught:
            ingest(central, ALPHA, KEY.public_hex, [A[0], ["not", "a", "record"]])  # type: ignore[list-item]
        assert str(caught.value) == (
            f'device {ALPHA} may push only its own records; record ? names device "None"'
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
