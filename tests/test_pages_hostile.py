"""No script from data reaches a page: briefing, map and report from a hostile playbook and records.

The playbook has every free-text field hostile; central holds records whose every code and
name is hostile. `fieldkit plan`, `fieldkit map` and `fieldkit report` write the pages as a
user would, and headless Chromium (network blocked) opens them: nothing may run, no element
may be injected, each page carries a Content-Security-Policy and keeps to it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central
from fieldkit.maps import analyse, render_map
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.synthetic import synthetic_input
from fieldkit.model import PeopleGroup
from fieldkit.page_policy import PagePolicyError, image_source, with_policy
from fieldkit.workspace import Workspace, init_workspace
from tests.support.browser import launch, needs_chromium
from tests.support.cli import fieldkit
from tests.support.hostile_pages import (
    OPEN_EVERYTHING,
    PLAYBOOK_CHECKED_STRINGS,
    PLAYBOOK_TEXT_FIELDS,
    assert_safe,
    collect,
    hostile_playbook,
    inspect_page,
    opened,
    payload,
)
from tests.support.operation import _at, _Chain, _key

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

OP = "barnet-2023"


def test_every_free_text_field_of_the_playbook_is_made_hostile() -> None:
    """The hostile playbook covers every string of the language that is not a checked code."""
    schema = json.loads((Path(__file__).parents[1] / "playbooks/playbook.schema.json").read_text())
    free = set()
    for name, definition in schema["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            options = prop.get("anyOf", [prop])
            for option in options:
                if option.get("type") == "string" and not (
                    {"pattern", "format", "enum"} & set(option)
                ):
                    free.add((name, key))
    assert free - PLAYBOOK_CHECKED_STRINGS == PLAYBOOK_TEXT_FIELDS


def _hostile_records(op: str) -> dict[str, list[dict[str, Any]]]:
    """Two devices' records with every code and name hostile, a conflict and a forgery."""
    rng = random.Random(5)
    one = _Chain(payload("record.device"), payload("record.team"), 1)
    two = _Chain(payload("record.device2"), "alpha", 2)
    hostile = {
        "operation": op,
        "officer": payload("record.officer"),
        "venue_type": payload("record.venue_type"),
        "visit": payload("record.visit"),
        "indicators": (payload("record.indicator"), "long_hours", "hostile_sign"),
        "outcomes": (payload("record.outcome"), "nrm_referral"),
        "partners": (payload("record.partner"), "hostile_partner"),
        "people": (
            PeopleGroup(
                payload("record.gender"),
                payload("record.age_band"),
                payload("record.nationality"),
                2,
            ),
        ),
    }
    for i in range(30):
        one.add(
            500 + i,
            _at(24, 13, i),
            venue="church-hendon" if i % 2 else payload("record.venue"),
            lat=51.5893 + rng.uniform(-0.002, 0.002),
            lon=-0.2257 + rng.uniform(-0.002, 0.002),
            **hostile,
        )
    first = one.records[0]
    two.add(600, _at(24, 18), amends=first.id, operation=op, lat=51.59, lon=-0.22,
            indicators=(payload("record.amended_indicator"),))  # fmt: skip
    one.add(601, _at(24, 19), amends=first.id, lat=51.59, lon=-0.22, **hostile)
    records = {c.device: [r.to_dict() for r in c.records] for c in (one, two)}
    forged = dict(records[one.device][-1], signature=_key(9).sign(bytes(32)))
    records[one.device][-1] = forged  # refused: a problem naming the hostile device
    return records


def _fill_central(ws: Workspace, op: str) -> None:
    records = _hostile_records(op)
    keys = {payload("record.device"): _key(1), payload("record.device2"): _key(2)}
    teams = {payload("record.device"): payload("record.team"), payload("record.device2"): "alpha"}
    with Central(ws.sync / "central.db", create=True) as central:
        for device, recs in records.items():
            cid, _ = central.enroll_device(teams[device], op, payload("record.officer"), device)
            row = central.device_row(cid)
            assert row is not None
            central.bind(row, device, keys[device].public_hex)
            ingest(central, device, keys[device].public_hex, recs)


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace planned from the hostile playbook, with hostile records on central."""
    ws, _ = init_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    data, cache = hostile_playbook()
    path = ws.playbooks / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (ws.ops / ".geocode-cache.json").write_text(json.dumps(cache), encoding="utf-8")
    planned = fieldkit(
        "plan", "playbooks/hostile.yaml", "--time-limit", "5", "--seed", "1", cwd=ws.root
    )
    assert planned.returncode == 0, planned.stderr
    _fill_central(ws, OP)
    for command in (("map", OP), ("report", OP)):
        done = fieldkit(*command, cwd=ws.root)
        assert done.returncode == 0, done.stderr
    return ws


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as browser:
        yield browser


@needs_chromium
def test_briefing_runs_nothing_from_the_playbook(
    hostile_workspace: Workspace, browser: Any
) -> None:
    found = inspect_page(browser, hostile_workspace.ops / OP / "briefing.html")
    assert_safe(found)
    # Shown as text, not dropped: names, an added partner and sign, notes, instructions.
    assert found.title.startswith("operation.name \"'></title>")
    for tag in (
        "operation.name", "operation.lead", "area.name", "helpline.phone", "indicator.en",
        "partner.en", "team3.name", "team3.call_sign", "person9.name", "person9.contact",
        "venue2.name", "venue2.notes", "activity0.name", "activity0.instructions",
        "marking", "intent.aim", "intent.objective", "command.strategic.name",
        "command.operational.role", "briefing.room", "risk.hazard", "risk.control",
        "comms.talk_group", "comms.control_room.contact", "support.safeguarding.name",
        "booking.interpreter", "humanitarian.reception_centre", "humanitarian.safe_word",
        "team3.radio",
    ):  # fmt: skip
        assert f"{tag} \"'></title></textarea>" in found.text, tag


@needs_chromium
def test_map_runs_nothing_from_the_plan_or_the_records(
    hostile_workspace: Workspace, browser: Any
) -> None:
    found = inspect_page(browser, hostile_workspace.maps / OP / "hotspots.html", is_map=True)
    assert_safe(found)
    assert found.title.startswith("operation.name \"'></title>")
    assert "area.name \"'></title>" in found.text


@needs_chromium
def test_report_runs_nothing_from_the_plan_or_the_records(
    hostile_workspace: Workspace, browser: Any
) -> None:
    found = inspect_page(browser, hostile_workspace.maps / OP / "report.html")
    assert_safe(found)
    assert found.title.startswith("operation.name \"'></title>")
    assert "record.device \"'></title>" in found.text  # the forged record's problem


def _hostile_map_input() -> MapInput:
    """A synthetic operation with every text the map shows made hostile (map code only)."""
    map_input, _ = synthetic_input(600, seed=4)
    venues = tuple(
        replace(
            v, name=payload(f"map.venue{i}"), type=payload("map.venue_type") if i == 0 else v.type
        )
        for i, v in enumerate(map_input.venues)
    )
    visits = tuple(
        replace(v, team=payload("map.visit_team"), done=False if i % 3 else v.done)
        for i, v in enumerate(map_input.visits)
    )
    points = tuple(
        replace(
            e,
            venue_type=payload("map.engagement_venue_type"),
            team=payload("map.engagement_team"),
            indicators=(*e.indicators, payload("map.indicator")),
            outcomes=(*e.outcomes, payload("map.outcome"), "nrm_referral"),
            partners=(payload("map.partner"),),
        )
        for e in map_input.engagements
    )
    return replace(
        map_input,
        operation_id=payload("map.operation_id"),
        operation_name=payload("map.operation_name"),
        timezone=payload("map.timezone"),
        area_name=payload("map.area_name"),
        venues=venues,
        visits=visits,
        engagements=points,
    )


@needs_chromium
def test_map_shows_hostile_names_as_text_in_every_sink(browser: Any, tmp_path: Path) -> None:
    """Title, layer control, legend, popups and tooltips: text, never markup."""
    map_input = _hostile_map_input()
    path = render_map(map_input, analyse(map_input), tmp_path / "map.html", points=True)
    with opened(browser, path, is_map=True) as (page, found):
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert page.evaluate(OPEN_EVERYTHING) > 0
        popups = page.locator(".leaflet-popup-content").all_inner_texts()
        tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
        collect(page, found)
    assert_safe(found)
    shown = "\n".join(labels)
    assert "Indicator · map.indicator \"'></title>" in shown  # an unknown code, as text
    assert "Venues · map.venue type \"'></title>" in shown
    assert found.title.startswith("map.operation_name \"'></title>")
    assert "map.area_name \"'></title>" in found.text
    assert any("map.venue" in p and "Visits planned" in p for p in popups), popups
    assert any("map.visit_team" in t for t in tooltips), tooltips[:3]


@needs_chromium
def test_policy_refuses_outside_loads_and_inline_handlers(browser: Any, tmp_path: Path) -> None:
    """What an injection would try next is refused by the page's policy, not by luck."""
    map_input, _ = synthetic_input(200, seed=2)
    path = render_map(map_input, analyse(map_input), tmp_path / "map.html")
    with opened(browser, path, is_map=True) as (page, found):
        page.evaluate(
            """async () => {
                const img = document.createElement("img");
                img.src = "https://tiles.example.org/1/2/3.png";
                document.body.append(img);
                const div = document.createElement("div");
                div.innerHTML = '<img src="data:," onerror="__pwned(\\'handler\\')">';
                document.body.append(div);
                try { await fetch("https://collect.example.org/"); } catch (e) {}
            }"""
        )
        collect(page, found)
    assert found.calls == []
    kinds = {v.split()[0] for v in found.violations}
    assert {"img-src", "script-src-attr", "connect-src"} <= kinds, found.violations
    assert not [u for u in found.blocked if "example.org" in u], "the policy let a request out"


@needs_chromium
def test_online_tiles_are_allowed_from_their_server_only(browser: Any, tmp_path: Path) -> None:
    """`--tiles` still works: the tile server alone is added to the images the page may load."""
    map_input, _ = synthetic_input(200, seed=2)
    path = render_map(map_input, analyse(map_input), tmp_path / "map.html", tiles="OpenStreetMap")
    with opened(browser, path, is_map=True) as (page, found):
        page.wait_for_timeout(500)
        collect(page, found)
    assert found.policy is not None
    img = next(d for d in found.policy.split("; ") if d.startswith("img-src"))
    assert img == "img-src data: blob: https://tile.openstreetmap.org"
    assert found.violations == []
    # The tiles were asked for (the test's network block refused them, not the policy).
    assert any(u.startswith("https://tile.openstreetmap.org/") for u in found.blocked)


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.basemaps.cartocdn.com/x/{z}/{x}/{y}{r}.png",
            "https://*.basemaps.cartocdn.com",
        ),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_tile_server_source(template: str, source: str) -> None:
    assert image_source(template) == source


@pytest.mark.parametrize(
    "template",
    [
        "file:///tiles/{z}/{x}/{y}.png",
        "https://a.{s}.example.org/{z}.png",
        "https://x.org'; script-src *",
    ],
)
def test_tile_server_source_refused(template: str) -> None:
    with pytest.raises(PagePolicyError):
        image_source(template)


def test_policy_lists_each_inline_block_by_hash_and_goes_first() -> None:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title>"
        "<style>p{}</style><script>var a = 1;\r\n</script></head><body></body></html>"
    )
    out = with_policy(page)
    meta = out.index('http-equiv="Content-Security-Policy"')
    assert out.index("<meta charset") < meta < out.index("<style>")
    script = base64.b64encode(hashlib.sha256(b"var a = 1;\n").digest()).decode()
    assert f"script-src 'sha256-{script}'" in out  # hashed as the browser parses it (LF)
    assert "style-src 'sha256-" in out and "img-src data: blob:;" in out
    assert "script-src 'none'" in with_policy("<html><head></head><body>x</body></html>")


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script src='https://cdn.example.org/x.js'></script></head></html>",
        "<html><body>no head</body></html>",
        "<html><style>x{}</style><head></head></html>",
    ],
)
def test_policy_refuses_pages_it_cannot_cover(page: str) -> None:
    with pytest.raises(PagePolicyError):
        with_policy(page)
