"""The simulator's persons met one to one: every record it makes keeps the referral rules, with
children, refusals and every route among them, and crowds stay groups."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.codes.rules import broken_rules
from fieldkit.field.device import Device
from fieldkit.field.draft import check_draft
from fieldkit.field.enroll import enroll
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.simulate import make_draft, planted_clusters, simulate
from fieldkit.model import Engagement
from tests.support.paths import BARNET

TEAMS = ("alpha", "bravo", "charlie", "delta")


@pytest.fixture(scope="module")
def op(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Barnet's four teams, and a fifth of charity and ANITP officers only (no police): no
    one on it may refer to the NRM or notify under the Duty to Notify."""
    folder = write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ws") / "ops")
    data = json.loads((folder / "loadouts" / "charlie.json").read_text(encoding="utf-8"))
    data["team"]["id"] = "echo"
    data["team"]["members"] = [
        {"id": "jc-marin", "name": "Ioana Marin", "agency": "justice_and_care",
         "skills": ["romanian_speaker"], "contact": None, "available": None},
        {"id": "anitp-ionescu", "name": "Andrei Ionescu", "agency": "anitp",
         "skills": ["romanian_speaker"], "contact": None, "available": None},
    ]  # fmt: skip
    (folder / "loadouts" / "echo.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def devices(op: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Device]]:
    root = tmp_path_factory.mktemp("devices")
    opened = []
    for team in (*TEAMS, "echo"):
        enroll(op / "loadouts" / f"{team}.json", root / team)
        opened.append(Device.open(root / team))
    yield opened
    for dev in opened:
        dev.close()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_every_draft_the_simulator_makes_keeps_the_rules(devices: list[Device], seed: int) -> None:
    rng = random.Random(seed)
    clusters = planted_clusters(devices[0].loadout)
    for dev in devices:
        for _ in range(60):
            draft = make_draft(dev, rng, clusters)
            check_draft(draft, dev.loadout)  # the device's own check, rules included
            agencies = {m.id: m.agency for m in dev.loadout.members}
            assert not broken_rules(
                draft.persons, draft.indicators, draft.outcomes, draft.officer, agencies,
                dev.loadout.codes,
            )  # fmt: skip


@pytest.fixture(scope="module")
def simulated(op: Path) -> list[tuple[str, Engagement]]:
    """Five devices (one per team), 300 engagements each, seed 2: (team, record)."""
    simulate(op, devices=5, engagements=300, seed=2)
    out = []
    for folder in sorted(p for p in (op / "devices").iterdir() if p.is_dir()):
        with Device.open(folder) as dev:
            assert dev.verify().ok
            out += [(dev.loadout.team, r) for r, _ in dev.records()]
    return out


def kinds(records: list[tuple[str, Engagement]]) -> Counter[str]:
    """How many persons of each kind the records hold."""
    found: Counter[str] = Counter()
    for _, r in records:
        for p in r.persons:
            child = p.age_band == "under_18"
            if child and p.signs and p.route == "nrm":
                found["child referred to the NRM"] += 1
            if not child and p.route == "nrm" and p.consent == "yes":
                found["adult consenting to the NRM"] += 1
            if not child and p.signs and p.consent == "no" and p.route == "duty_to_notify":
                found["refusal notified"] += 1
            if p.route in ("partner_support", "safeguarding"):
                found[p.route] += 1
            if p.consent == "cannot":
                found["cannot be asked"] += 1
    return found


def test_the_simulated_week_holds_persons_of_every_kind(
    simulated: list[tuple[str, Engagement]],
) -> None:
    police = [(t, r) for t, r in simulated if t != "echo"]
    found = kinds(police)
    for kind in (
        "child referred to the NRM",
        "adult consenting to the NRM",
        "refusal notified",
        "partner_support",
        "safeguarding",
    ):
        assert found[kind] >= 3, (kind, found)
    with_persons = [r for _, r in police if r.persons]
    assert len(with_persons) > len(police) * 0.05
    for r in with_persons:
        signs = {s for p in r.persons for s in p.signs}
        assert signs <= set(r.indicators)  # the signs seen in a person are the engagement's
        routes = {p.route for p in r.persons}
        assert ("nrm" in routes) == ("nrm_referral" in r.outcomes)
        assert ("duty_to_notify" in routes) == ("duty_to_notify" in r.outcomes)
        for p in r.persons:
            assert p.route == "none" or p.by is not None
            assert (p.ref is not None) == (p.route in ("nrm", "duty_to_notify")) or (
                p.route == "safeguarding"
            )


def test_a_team_with_no_police_refers_no_one_to_the_nrm_and_notifies_no_one(
    simulated: list[tuple[str, Engagement]],
) -> None:
    echo = [r for t, r in simulated if t == "echo"]
    persons = [p for r in echo for p in r.persons]
    assert persons
    assert not {p.route for p in persons} & {"nrm", "duty_to_notify"}
    assert not [p for p in persons if p.age_band == "under_18" and p.signs]
    assert [p for p in persons if p.signs and p.consent != "yes"]  # refusals, not notified


def test_crowds_stay_groups(simulated: list[tuple[str, Engagement]]) -> None:
    crowds = [r for _, r in simulated if r.venue_type in ("church", "airport_arrivals")]
    assert crowds and not [r for r in crowds if r.persons]
    assert all(r.people for _, r in simulated)  # the group counted is kept beside the persons
