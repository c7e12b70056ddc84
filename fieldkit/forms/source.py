"""What the form is made from: an operation's team loadouts (ops/OP/loadouts/TEAM.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit.codes import CodeBook, CodeListError, did_you_mean
from fieldkit.errors import UserError
from fieldkit.workspace import Workspace

#: The largest loadout read (a loadout is tens of kilobytes).
LOADOUT_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class FormSource:
    """One operation's identity and code lists, with the teams the form is for."""

    operation: str
    name: str
    timezone: str
    plan_sha256: str
    codes: CodeBook
    #: team id -> its loadout's team (id, name, members with id, name, agency).
    teams: dict[str, dict[str, Any]]
    #: team id -> its assignments (visit, venue, start...).
    assignments: dict[str, list[dict[str, Any]]]
    venues: list[dict[str, Any]]


def pick_operation(ws: Workspace, op: str | None) -> str:
    """OP as given if ops/ has it with loadouts; the only one if none given; else exit 2."""
    ops = with_loadouts(ws)
    listing = ", ".join(ops) or "none: plan one with `fieldkit plan playbooks/NAME.yaml`"
    if op is None:
        if len(ops) == 1:
            return ops[0]
        raise UserError(f"name an operation: {listing}")
    if op not in ops:
        raise UserError(f"no operation {op!r} with loadouts in {ws.ops} (operations: {listing})")
    return op


def with_loadouts(ws: Workspace) -> list[str]:
    """The operations in ops/ with team loadouts (a planned operation, or one central holds)."""
    if not ws.ops.is_dir():
        return []
    return sorted({p.parent.parent.name for p in ws.ops.glob("*/loadouts/*.json")})


def read_source(ws: Workspace, op: str | None, team: str | None) -> FormSource:
    """The form's source for OP (every team, or only `team`); UserError when unreadable."""
    name = pick_operation(ws, op)
    folder = ws.ops / name / "loadouts"
    paths = sorted(folder.glob("*.json"))
    known = [p.stem for p in paths]
    if team is not None:
        if team not in known:
            raise UserError(
                f"no team {team!r} in {name}{did_you_mean(team, known)} "
                f"(teams: {', '.join(known) or 'none'})"
            )
        paths = [folder / f"{team}.json"]
    if not paths:
        raise UserError(f"{folder}: no team loadouts; run `fieldkit plan` first")
    loadouts = [_read(p) for p in paths]
    first = loadouts[0]
    try:
        codes = CodeBook.from_dict(first.get("codes") or {}, str(paths[0]))
    except CodeListError as exc:
        raise UserError(str(exc)) from None
    op_doc = first.get("operation") or {}
    return FormSource(
        operation=str(op_doc.get("id") or name),
        name=str(op_doc.get("name") or name),
        timezone=str(op_doc.get("timezone") or "UTC"),
        plan_sha256=str(first.get("plan_sha256") or ""),
        codes=codes,
        teams={str(d["team"]["id"]): d["team"] for d in loadouts},
        assignments={str(d["team"]["id"]): list(d.get("assignments") or []) for d in loadouts},
        venues=list(first.get("venues") or []),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > LOADOUT_MAX:
            raise UserError(f"{path}: larger than {LOADOUT_MAX} bytes, not a loadout")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a readable loadout ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("team"), dict):
        raise UserError(f"{path}: not a team loadout (no team)")
    return doc
