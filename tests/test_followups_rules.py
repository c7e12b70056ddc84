"""The follow-up statuses as data (codes.yaml): any sequence of updates keeps the rules, at
central the stored events are exactly the ones accepted, in order, and every status the list
names can be reached from `referred`."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.central.followups import add_event, events, find
from fieldkit.central.store import Central, central_path
from fieldkit.codes import Code, CodeBook, CodeListError, load_codes, validate
from fieldkit.codes.followups import (
    REFERRED,
    TransitionError,
    allowed_next,
    check_next,
    needs_partner,
    reachable,
    statuses,
)
from fieldkit.errors import UserError
from tests.support.central_copy import copy_central
from tests.support.followups import GIRL_NRM, moment, referrals_workspace

STATUSES = statuses().ids
DECISIONS = {
    "reasonable": ("reasonable_grounds_positive", "reasonable_grounds_negative"),
    "conclusive": ("conclusive_grounds_positive", "conclusive_grounds_negative"),
}
updates = st.lists(st.tuples(st.sampled_from(STATUSES), st.sampled_from([None, "anitp"])))


def keeps_the_rules(history: list[str]) -> None:
    """What a referral's later life must look like, written out independently of the data."""
    assert history[0] == REFERRED and REFERRED not in history[1:]
    assert set(history) <= reachable()
    for kind, pair in DECISIONS.items():
        assert sum(s in pair for s in history) <= 1, f"two {kind} grounds decisions"
    if any(s in DECISIONS["conclusive"] for s in history):
        rg = history.index("reasonable_grounds_positive")  # raises if none came
        assert all(s not in DECISIONS["conclusive"] for s in history[:rg])
    closing = ("reasonable_grounds_negative", "conclusive_grounds_negative",
               "returned_home_assisted")  # fmt: skip
    assert all(s not in closing for s in history[:-1]), "a status after a closed follow-up"


@given(updates)
def test_any_sequence_of_updates_keeps_the_rules(tries: list[tuple[str, str | None]]) -> None:
    history = [REFERRED]
    for status, partner in tries:
        try:
            check_next("P", history, status, partner)
        except TransitionError as exc:
            assert status not in allowed_next(history) or needs_partner(status)
            assert str(exc)
            continue
        assert status in allowed_next(history)
        history.append(status)
        keeps_the_rules(history)


_TEMPLATE: list[Path] = []


def _fresh_store() -> Path:
    """A copy of the referrals workspace's central store (made once)."""
    if not _TEMPLATE:
        ws = referrals_workspace(Path(tempfile.mkdtemp()))
        _TEMPLATE.append(central_path(ws.sync))
    return copy_central(_TEMPLATE[0], Path(tempfile.mkdtemp()) / "central.db")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(updates)
def test_central_stores_exactly_the_accepted_events_in_order(
    tries: list[tuple[str, str | None]],
) -> None:
    path = _fresh_store()
    accepted: list[tuple[str, str | None]] = []
    with Central(path) as store:
        for status, partner in tries:
            try:
                after = add_event(store, GIRL_NRM, status, partner, "tester", moment())
            except UserError:
                continue
            accepted.append((status, partner))
            assert after.status == status
        stored = [(e.status, e.partner) for e in events(store)]
        history = list(find(store, GIRL_NRM).history)
    shutil.rmtree(path.parent)
    assert stored == accepted
    assert history == [REFERRED, *(s for s, _ in accepted)]
    keeps_the_rules(history)


def test_every_status_can_be_reached_and_has_both_labels() -> None:
    assert reachable() == set(STATUSES)
    for status in statuses():
        assert status.en and status.ro and status.en != status.ro


def test_a_status_naming_an_unknown_one_is_refused() -> None:
    book = load_codes()
    wrong = replace(book["followup_statuses"].codes[0], attrs={"next": "reasonable_grounds"})
    lists = dict(book.lists)
    lists["followup_statuses"] = replace(
        book["followup_statuses"], codes=(wrong, *book["followup_statuses"].codes[1:])
    )
    with pytest.raises(CodeListError, match="referred: next names unknown status"):
        validate(CodeBook(lists))
    lists["followup_statuses"] = replace(
        book["followup_statuses"], codes=(Code("opened", "Opened", "Deschis"),)
    )
    with pytest.raises(CodeListError, match="needs `referred`"):
        validate(CodeBook(lists))
