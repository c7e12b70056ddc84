"""Format 2 at central: the sensitive texts kept beside the records, and the referral rules
flagged (never refused) as problems of kind `rule`."""

from __future__ import annotations

from typing import Any

from fieldkit.central.content import Context
from fieldkit.central.problems import Checked, reading_of
from fieldkit.codes import load_codes
from fieldkit.codes.rules import BrokenRule, broken_rules
from fieldkit.model import TEXTS_FIELD, Engagement

RULE, TEXT = "rule", "text"


def keep_texts(
    conn: Any, device: str, stored: list[Checked], problems: list[tuple[Any, ...]]
) -> None:
    """Store the texts of the stored records that match their digests; name any that do not."""
    rows = []
    for c in stored:
        texts = c.data.get(TEXTS_FIELD)
        if not texts:
            continue
        reading = c.reading or reading_of(Engagement.from_dict(c.data), True)
        for path, _digest in reading.faults:
            detail = f"its {path} text does not match the digest it was signed with; not kept"
            problems.append((device, TEXT, c.rec_id, None, f"{c.rec_id}:{path}", detail, None))
        bad = {digest for _path, digest in reading.faults}
        rows += [
            (c.rec_id, digest, entry["salt"], entry["text"])
            for digest, entry in texts.items()
            if digest not in bad
        ]
    if rows:
        conn.executemany("INSERT OR IGNORE INTO record_texts VALUES (?,?,?,?)", rows)


def flag_rules(
    ctx: Context, device: str, stored: list[Checked], problems: list[tuple[Any, ...]]
) -> None:
    """A problem of kind `rule` for each referral rule a stored record breaks (format 1 and
    older devices' records too); the record stays stored."""
    codes = load_codes()
    seen: dict[tuple[Any, ...], list[BrokenRule]] = {}  # the rules are pure: once per content
    for c in stored:
        if c.reading is None:
            continue  # a format 1 record the model cannot read (the shape check tried)
        what = c.reading.rules
        found = seen.get(what)
        if found is None:
            found = seen[what] = broken_rules(*what, ctx.agencies, codes)
        for b in found:
            key = f"{c.rec_id}:{b.rule}:{b.person or 0}"
            problems.append((device, RULE, c.rec_id, None, key, f"{b.rule}: {b.en}", None))
