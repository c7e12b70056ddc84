"""`fieldkit demo` holds person-level records of every kind, each keeping the referral rules,
and central holds them with their texts and no problem."""

from __future__ import annotations

import json
from collections import Counter

from fieldkit.central.store import Central, central_path
from fieldkit.codes.rules import broken_rules
from fieldkit.field import Device
from fieldkit.model import Engagement
from tests.support.cli import fieldkit
from tests.support.demo import DemoRun


def demo_records(run: DemoRun) -> list[tuple[Device, Engagement]]:
    out = []
    for root in run.device_roots():
        with Device.open(root) as dev:
            out += [(dev, r) for r, _ in dev.records()]
    return out


def test_the_demo_holds_persons_of_every_kind_and_each_keeps_the_rules(
    demo_run: DemoRun,
) -> None:
    found: Counter[str] = Counter()
    for dev, r in demo_records(demo_run):
        agencies = {m.id: m.agency for m in dev.loadout.members}
        assert not broken_rules(
            r.persons, r.indicators, r.outcomes, r.officer, agencies, dev.loadout.codes
        ), r
        for p in r.persons:
            child = p.age_band == "under_18"
            if child and p.signs and p.route == "nrm":
                found["child referred"] += 1
            elif p.route == "nrm" and p.consent == "yes":
                found["adult consenting to the NRM"] += 1
            elif p.signs and p.consent == "no" and p.route == "duty_to_notify":
                found["refusal notified"] += 1
            found[p.route] += 1
    for kind in (
        "child referred",
        "adult consenting to the NRM",
        "refusal notified",
        "partner_support",
        "safeguarding",
    ):
        assert found[kind] >= 1, (kind, found)


def test_central_holds_the_persons_and_their_references(demo_run: DemoRun) -> None:
    with Central(central_path(demo_run.workspace / "sync")) as store:
        assert store.problems(open_only=True) == []
    root = demo_run.device_roots()[0]
    done = fieldkit("log", "list", "--json", "--workspace", root)
    assert done.returncode == 0, done.stderr
    records = [r for r in json.loads(done.stdout) if r["persons"]]
    assert records and all(r["format"] == "fieldkit-engagement/2" for r in records)
    for r in records:
        for p in r["persons"]:
            if p["ref"] is not None:  # a sealed digest, its text beside the record
                assert p["ref"].startswith("sha256:") and r["texts"][p["ref"]]["text"]
