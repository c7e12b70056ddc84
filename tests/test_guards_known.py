"""What central knows of an operation (fieldkit/central/known.py), one situation per row.

The content rules check a record against a device's credential and everything its operation's
published plans hold (every version); central rebuilds that only when a new plan version is
published.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit.central.content import Context
from fieldkit.central.known import device_context, kit_codes, known_for
from fieldkit.central.store import Central, ForbiddenError
from fieldkit.field.keys import DeviceKey

KEY = DeviceKey.generate()
OP = "barnet"
KIT = kit_codes()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    """A central with device `alpha-1` bound to a credential for team alpha of OP."""
    with Central(tmp_path / "central.db", create=True) as store:
        cred, _ = store.enroll_device("alpha", OP, "pc-okafor", device_id="c-alpha")
        store.bind(store.device_row(cred) or {}, "alpha-1", KEY.public_hex)
        yield store


def loadout(
    visits: tuple[str, ...] = (),
    venues: tuple[str, ...] = (),
    members: tuple[str, ...] = (),
    **codes: list[str],
) -> dict[str, Any]:
    return {
        "codes": {name: [{"code": c} for c in ids] for name, ids in codes.items()},
        "assignments": [{"visit": v} for v in visits],
        "venues": [{"id": v} for v in venues],
        "team": {"members": [{"id": m} for m in members]},
    }


def publish(central: Central, team: str, plan: dict[str, Any] | str, operation: str = OP) -> None:
    text = plan if isinstance(plan, str) else json.dumps(plan)
    with central.transaction() as conn:
        conn.execute(
            "INSERT INTO plans (operation, team, plan_sha256, content_sha256, loadout, "
            "published_at) VALUES (?, ?, '', '', ?, '')",
            (operation, team, text),
        )


def context(central: Central, device: str = "alpha-1") -> Context:
    with central.transaction() as conn:
        return device_context(central, conn, device)


def bare(**known: Any) -> Context:
    return Context(**{"operation": OP, "team": "alpha", "officer": "pc-okafor", "codes": KIT,
                      **known})  # fmt: skip


F = frozenset
# (what central holds: (team, loadout or its text, operation) published in order, the context)
ROWS: dict[str, tuple[list[tuple[str, Any, str]], Context]] = {
    "no plan published: the kit's codes, nothing else known": ([], bare()),
    "a plan of another operation only": (
        [("alpha", loadout(("v1",), ("h1",), ("pc-a",)), "kent")],
        bare(),
    ),
    "the team's plan": (
        [("alpha", loadout(("v1",), ("h1",), ("pc-a", "pc-b")), OP)],
        bare(visits=F({"v1"}), venues=F({"h1"}), members=F({"pc-a", "pc-b"})),
    ),
    "every version and every team's visits, the team's own members": (
        [
            ("alpha", loadout(("v1",), ("h1",), ("pc-a",)), OP),
            ("bravo", loadout(("v2",), ("h2",), ("dc-b",)), OP),
            ("alpha", loadout(("v3",), ("h1",), ("pc-c",)), OP),
        ],
        bare(visits=F({"v1", "v2", "v3"}), venues=F({"h1", "h2"}), members=F({"pc-a", "pc-c"})),
    ),
    "only another team's plan: no members known for this one": (
        [("bravo", loadout(("v2",), ("h2",), ("dc-b",)), OP)],
        bare(visits=F({"v2"}), venues=F({"h2"})),
    ),
    "a plan that is not JSON counts as published, with nothing in it": (
        [("alpha", "{not json", OP)],
        bare(visits=F(), venues=F(), members=F()),
    ),
    "a plan that is a list counts as published, with nothing in it": (
        [("alpha", "[1, 2]", OP)],
        bare(visits=F(), venues=F(), members=F()),
    ),
    "published codes replace the kit's list, every version's together": (
        [
            ("alpha", loadout(indicators=["long_hours"], genders=[]), OP),
            ("bravo", loadout(indicators=["sleeps_on_site"]), OP),
        ],
        bare(
            codes={**KIT, "indicators": F({"long_hours", "sleeps_on_site"})},
            visits=F(),
            venues=F(),
            members=F(),
        ),
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_each_situation_gives_its_exact_context(central: Central, name: str) -> None:
    plans, expected = ROWS[name]
    for team, plan, operation in plans:
        publish(central, team, plan, operation)
    assert context(central) == expected


def test_a_device_central_does_not_know_is_refused(central: Central) -> None:
    with pytest.raises(ForbiddenError) as caught:
        context(central, "bravo-9")
    assert str(caught.value) == "device bravo-9 is not registered on central"


def test_what_central_knows_is_rebuilt_only_for_a_new_plan_version(central: Central) -> None:
    with central.transaction() as conn:
        before = known_for(central, conn, OP)
        assert known_for(central, conn, OP) is before  # kept, not rebuilt
        assert central.known[OP] == (None, before)
    publish(central, "alpha", loadout(("v1",)))
    with central.transaction() as conn:
        after = known_for(central, conn, OP)
        assert after is not before and after.visits == {"v1"}
        assert known_for(central, conn, OP) is after
        assert central.known[OP] == (1, after)
    publish(central, "alpha", loadout(("v1",)), operation="kent")  # another operation's
    with central.transaction() as conn:
        assert known_for(central, conn, OP) is after
