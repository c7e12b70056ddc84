"""A device's chain on central after a batch is stored: gaps opened and filled, forks found."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fieldkit.central.problems import CONTENT, FORK, GAP, Checked, IngestResult, chunks, refuse
from fieldkit.model import GENESIS_HASH
from fieldkit.wire.protocol import now_iso


def chain_problems(
    conn: Any,
    device: str,
    stored: list[Checked],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
    refused: dict[str, str],
) -> set[str]:
    """Open gaps for predecessors not held, resolve gaps these records fill, report forks.

    `refused` maps the hashes of records refused for their content in this batch to their ids.
    Returns the predecessors after which the device's chain forks.
    """
    # Kept out of mutation runs (`pragma: no mutate`): SQL keywords, which read the same in
    # any case, and `result`, which refuse() leaves alone for a gap or a fork (they refuse no
    # record).
    batch = {c.hash for c in stored}
    filled = _fill_gaps(conn, device, batch)
    outside = sorted({c.prev for c in stored if c.prev not in batch})
    held = _held(conn, device, stored, batch, outside)
    gaps = [c for c in stored if c.prev != GENESIS_HASH and c.prev not in held]
    if gaps:
        refused = {**_refused_before(conn, [c.prev for c in gaps]), **refused}
        _open_gaps(device, gaps, refused, problems, result)
    # A fork needs two records after one predecessor: both in this batch, or one stored
    # before it - which, if its predecessor is in this batch, had opened a gap (`filled`).
    twice = [p for p, n in Counter(c.prev for c in stored).items() if n > 1]
    return _forks(conn, device, sorted({*outside, *filled, *twice}), problems, result)


def _fill_gaps(conn: Any, device: str, batch: set[str]) -> list[str]:
    """Resolve the open gaps of `device` whose missing record is in this batch; returns them."""
    # A record stored earlier whose predecessor is in this batch opened a gap for it.
    open_gaps = {
        r[0]
        for r in conn.execute(
            f"SELECT missing FROM problems WHERE kind = '{GAP}' AND device = ? "
            "AND resolved_at IS NULL",  # pragma: no mutate
            (device,),
        )
    }
    filled = sorted(open_gaps & batch)
    for part in chunks(filled):
        marks = ",".join("?" * len(part))
        conn.execute(
            f"UPDATE problems SET resolved_at = ? WHERE kind = '{GAP}' AND device = ? "
            f"AND resolved_at IS NULL AND missing IN ({marks})",
            [now_iso(), device, *part],
        )
    return filled


def _held(
    conn: Any, device: str, stored: list[Checked], batch: set[str], outside: list[str]
) -> set[str]:
    """The predecessors central holds of this device: in this batch or stored before."""
    held: set[str] = {c.prev for c in stored if c.prev in batch}
    prevs = [p for p in outside if p != GENESIS_HASH]
    for part in chunks(prevs):
        marks = ",".join("?" * len(part))
        # By the (device, hash) index: a link stays within its device.
        rows = conn.execute(
            f"SELECT hash FROM records WHERE device = ? AND hash IN ({marks})", [device, *part]
        )
        held.update(h for (h,) in rows)
        # A record removed at retention keeps its place in the chain by its trace.
        rows = conn.execute(
            f"SELECT hash FROM removed_records WHERE device = ? AND hash IN ({marks})",
            [device, *part],
        )
        held.update(h for (h,) in rows)
    return held


def _open_gaps(
    device: str,
    gaps: list[Checked],
    refused: dict[str, str],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> None:
    """A gap problem for each record whose predecessor central does not hold."""
    for c in gaps:
        why = (
            f"which central refused for its content (record {refused[c.prev]})"
            if c.prev in refused
            else "which central has not received (yet)"
        )
        refuse(
            problems,
            result,  # pragma: no mutate
            device,
            GAP,
            c.rec_id,
            f"{device}:{c.prev}",
            f"record {c.rec_id} follows hash {c.prev[:12]}..., {why}",
            None,
            missing=c.prev,
        )


def _forks(
    conn: Any,
    device: str,
    prevs: list[str],
    problems: list[tuple[Any, ...]],
    result: IngestResult,
) -> set[str]:
    """A fork problem for each of `prevs` that two stored records of the device follow."""
    siblings: dict[str, list[str]] = {}
    for part in chunks(prevs):
        marks = ",".join("?" * len(part))
        for prev, rid in conn.execute(
            f"SELECT prev_hash, id FROM records WHERE device = ? AND prev_hash IN ({marks})",
            [device, *part],
        ):
            siblings.setdefault(prev, []).append(rid)
    forked = {prev for prev, ids in siblings.items() if len(ids) > 1}
    for prev, ids in siblings.items():
        if len(ids) > 1:
            ids.sort()
            refuse(
                problems,
                result,  # pragma: no mutate
                device,
                FORK,
                ids[-1],
                f"{device}:{prev}:{ids[-1]}",
                f"records {', '.join(ids)} all follow hash {prev[:12]}...: the device's "
                "chain forks (a restored backup, or a copied key)",
                None,
            )
    return forked


def _refused_before(conn: Any, hashes: list[str]) -> dict[str, str]:
    """Hash -> id of the records among `hashes` refused for their content in earlier batches."""
    found: dict[str, str] = {}
    for part in chunks(sorted(set(hashes))):
        marks = ",".join("?" * len(part))
        found.update(
            conn.execute(
                f"SELECT key, record_id FROM problems WHERE kind = '{CONTENT}' "
                f"AND key IN ({marks})",
                part,
            ).fetchall()
        )
    return found
