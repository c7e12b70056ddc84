"""`central enroll-device`: a credential issued on central and written into the team's loadout."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fieldkit.codes import did_you_mean
from fieldkit.errors import UserError
from fieldkit.sync.address import central_url
from fieldkit.sync.central import Central, central_path
from fieldkit.sync.plans import publish
from fieldkit.workspace import Workspace


def find_loadout(ws: Workspace, team: str, operation: str | None) -> Path:
    """ops/OP/loadouts/TEAM.json; the operation may be left out when only one has the team."""
    found = sorted(ws.ops.glob(f"*/loadouts/{team}.json"))
    if operation is not None:
        found = [p for p in found if p.parent.parent.name == operation]
    if len(found) == 1:
        return found[0]
    if not found:
        teams = sorted({p.stem for p in ws.ops.glob("*/loadouts/*.json")})
        raise UserError(
            f"no loadout for team {team!r}{' in ' + operation if operation else ''}"
            f"{did_you_mean(team, teams)} (teams with loadouts: {', '.join(teams) or 'none'}; "
            "run `fieldkit plan` first)"
        )
    ops = ", ".join(p.parent.parent.name for p in found)
    raise UserError(f"team {team} has loadouts in several operations ({ops}): give --op")


def enroll_device(
    ws: Workspace,
    team: str,
    officer: str,
    operation: str | None = None,
    url: str | None = None,
    certfile: Path | None = None,
) -> dict[str, Any]:
    """Issue a credential for a new device of `team` and write it into the team's loadout."""
    if url is not None:
        url = central_url(url, "--url")
    path = find_loadout(ws, team, operation)
    data = json.loads(path.read_text(encoding="utf-8"))
    members = [str(m.get("id")) for m in data["team"]["members"]]
    if officer not in members:
        raise UserError(
            f"officer {officer!r} is not in team {team}{did_you_mean(officer, members)}; "
            f"team members: {', '.join(members)}"
        )
    op = str(data["operation"]["id"])
    with Central(central_path(ws.sync)) as store:
        publish(store, ws.ops)
        device_id, secret = store.enroll_device(team, op, officer)
        central_key = store.signing_key().public_hex
    block: dict[str, Any] = {
        "url": url,
        "device_id": device_id,
        "officer": officer,
        "credential": secret,
        "central_key": central_key,
    }
    if certfile is not None:
        block["certificate"] = certfile.read_text(encoding="utf-8")
    data["central"] = block
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return {"device_id": device_id, "credential": secret, "operation": op, "loadout": str(path)}
