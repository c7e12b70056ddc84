"""Workspaces full of text that looks like markup, for the app's tests: shown, never obeyed.

The office (planner and central) holds a playbook whose every free-text field is Rich/Textual
markup, its plan, a second playbook whose problems quote markup, and a central store with
devices named in markup, records it refused (the reasons quote markup) and a conflict. The
field device is enrolled from the plan for the team that has the visits and holds records
with markup in their notes, synced to central and one amended since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter

from fieldkit.central.bundle import import_bundle, write_answer
from fieldkit.central.enrolment import enroll_device
from fieldkit.central.ingest import ingest
from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.field.ids import uuid7
from fieldkit.field.keys import DeviceKey
from fieldkit.plan.service import PlanOptions, solve_playbook, write_operation
from fieldkit.sync.bundle import export_bundle, import_answer
from fieldkit.sync.device_credential import enroll_with_credential
from fieldkit.workspace import Workspace, init_workspace
from tests.support import records as signed
from tests.support.hostile_pages import hostile_playbook
from tests.support.playbooks import small_barnet

OP = "barnet-2023"

MARK = "[/bold]x[red]alarm[/red]"
"""Where it is read as markup the app crashes ([/bold] closes nothing) or loses the tags."""

FILE_MARK = "[red]alarm[b]"
"""Markup that can be a file name (no slash): red bold "alarm" where it is obeyed."""


def markup(tag: str) -> str:
    """Hostile text for one field: a bad closing tag, a colour, an action link, an emoji code."""
    return f"{MARK}{tag}[@click=app.quit]q[/]:warning:"


DEVICE_A, DEVICE_B = markup("device.a"), markup("device.b")
"""Devices bound on central under markup names (through the Python API, as a store from
before device ids were checked)."""


#: The venue the hostile playbook gives by its address only (its name is in markup).
BY_ADDRESS = "church-by-address"


@dataclass
class Office:
    """The planner's and central's workspace, and the field device enrolled from its plan."""

    ws: Workspace
    device: Workspace
    now: datetime
    """A moment during the device team's first visit."""


def markup_playbook() -> dict[str, Any]:
    """The hostile playbook (support/hostile_pages.py) in markup, plus a visit nobody can make."""
    data, _ = hostile_playbook(markup)
    data["activities"].append(
        {
            "id": "interpreted",
            "name": markup("activity.unplanned"),
            "venues": ["shelter-hendon"],
            "when": [{"days": ["mon"], "from": "10:00", "to": "12:00"}],
            "duration": 60,
            "requires": {"skills": ["interpreter"]},
            "priority": 2,
        }
    )
    return data


def broken_playbook() -> dict[str, Any]:
    """Barnet with an unknown key and an unknown partner, both quoted in its problems."""
    data = small_barnet()
    data["operation"][MARK] = 1
    data["partners"].append(f"{MARK}partner")
    return data


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def build_office(tmp: Path) -> Office:
    ws, _ = init_workspace(tmp / "office")
    data = markup_playbook()
    _, cache = hostile_playbook(markup)
    write_yaml(ws.playbooks / "hostile.yaml", data)
    write_yaml(ws.playbooks / f"{FILE_MARK}.yaml", broken_playbook())
    (ws.ops / ".geocode-cache.json").write_text(json.dumps(cache), encoding="utf-8")
    session = solve_playbook(ws, ws.playbooks / "hostile.yaml", PlanOptions(time_limit=5, seed=1))
    write_operation(ws, session)
    with Central(central_path(ws.sync), create=True):
        pass
    # The team visiting the venue known only by its address, which the screens must escape.
    plan = session.plan
    first = next(a for a in plan.assignments if plan.visit(a.visit).venue == BY_ADDRESS)
    team = session.plan.playbook.team(first.team)
    device, now = field_device(ws, tmp / "device", team.id, team.members[0])
    refused_records(ws)
    return Office(ws, device, now)


def field_device(
    office: Workspace, root: Path, team: str, officer: str
) -> tuple[Workspace, datetime]:
    """A device of `team` holding two records with markup in their notes, both synced by a
    bundle, and an amendment of the first made since (pending); and a moment during the
    team's visit to the venue known by its address (else its first visit)."""
    dev_ws, _ = init_workspace(root)
    issued = enroll_device(office, team, officer)
    enroll_with_credential(Path(issued["loadout"]), root, Path(issued["credential_file"]))
    with Device.open(root) as dev:
        visits = dev.loadout.assignments
        visit = next((a for a in visits if a.venue == BY_ADDRESS), visits[0])
        saved = []
        for n in range(2):
            draft = dev.prefill(visit.start + timedelta(minutes=5 + n))
            draft.update(
                indicators=["hostile_sign"],
                outcomes=["leaflet_given"],
                partners=["hostile_partner"],
                notes=markup(f"notes{n}"),
            )
            saved.append(dev.save(draft))
    push, answer = root / "push.bundle", root / "answer.json"
    export_bundle(root, push)
    with Central(central_path(office.sync)) as store:
        reply, _, _ = import_bundle(store, push)
    write_answer(reply, answer)
    import_answer(root, answer)
    with Device.open(root) as dev:
        draft = dev.draft_of(saved[0].id)
        draft.update(notes=markup("notes.amended"), outcomes=["leaflet_given", "nrm_referral"])
        dev.save(draft)
    return dev_ws, visit.start + timedelta(minutes=10)


def refused_records(ws: Workspace) -> None:
    """Two devices named in markup: records both amend (a conflict), a record refused for its
    content (its reason quotes the markup) and one refused as malformed."""
    key_a, key_b = DeviceKey.generate(), DeviceKey.generate()
    a = signed.record(DEVICE_A, OP, "alpha", "pc-okafor", venue_type="church")
    first, _ = signed.seal(a, key_a)
    mine, _ = signed.seal(
        {**a, "id": uuid7(), "amends": first["id"], "prev_hash": first["hash"]}, key_a
    )
    b = signed.record(DEVICE_B, OP, "bravo", "dc-patel", amends=first["id"])
    theirs, _ = signed.seal(b, key_b)
    refused, _ = signed.seal(
        {**b, "id": uuid7(), "venue": markup("record.venue"), "prev_hash": theirs["hash"]}, key_b
    )
    malformed, _ = signed.seal({**b, "id": markup("record.id")}, key_b)
    with Central(central_path(ws.sync)) as store:
        for team, officer, device, key in (
            ("alpha", "pc-okafor", DEVICE_A, key_a),
            ("bravo", "dc-patel", DEVICE_B, key_b),
        ):
            cred, _ = store.enroll_device(team, OP, officer)
            store.bind(store.device_row(cred) or {}, device, key.public_hex)
        ingest(store, DEVICE_A, key_a.public_hex, [first, mine])
        result = ingest(store, DEVICE_B, key_b.public_hex, [theirs, refused, malformed])
        assert [r["kind"] for r in result.rejected] == ["malformed", "content"]
        assert len(store.conflicts()) == 1


def shown_cells(table: DataTable[Any]) -> list[list[str]]:
    """Each cell of a table as the table draws it (a str cell is read as markup there)."""
    rows = []
    for i in range(table.row_count):
        cells = [default_cell_formatter(cell) for cell in table.get_row_at(i)]
        assert all(isinstance(c, Text) for c in cells), cells
        rows.append([c.plain for c in cells if isinstance(c, Text)])
    return rows


def table_text(app: App[None], selector: str) -> str:
    """Every cell and header of the table(s) matching `selector` on screen, as drawn."""
    lines = []
    for table in app.screen.query(selector).results(DataTable):
        lines.append(" | ".join(str(c.label) for c in table.columns.values()))
        lines += [" | ".join(row) for row in shown_cells(table)]
    return "\n".join(lines)
