"""`central enroll-device`: a credential issued on central into a file of its own (owner only)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fieldkit.central.plans import publish
from fieldkit.central.store import Central, central_path
from fieldkit.codes import did_you_mean
from fieldkit.errors import UserError
from fieldkit.private_files import private_folder, write_private
from fieldkit.wire.address import central_url
from fieldkit.wire.credential import Credential, CredentialError
from fieldkit.wire.protocol import now_iso
from fieldkit.workspace import Workspace

#: Where issued credentials are written: ops/OP/credentials/.
ISSUED_FOLDER = "credentials"


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
    """Issue a credential for a new device of `team`, written to ops/OP/credentials/.

    The team's loadout is not touched: `fieldkit plan` rewrites loadouts, and a credential's
    secret is shown once (central keeps only a hash of it).
    """
    if url is not None:
        url = central_url(url, "--url")
    certificate = certfile.read_text(encoding="utf-8") if certfile is not None else None
    if certificate is not None and not certificate.lstrip().startswith("-----BEGIN CERTIFICATE"):
        raise UserError(f"--certfile {certfile}: not a PEM certificate (-----BEGIN CERTIFICATE)")
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
        seal_key = store.sealing_key().public_hex
    issued = Credential(
        operation=op,
        team=team,
        officer=officer,
        device_id=device_id,
        credential=secret,
        central_key=central_key,
        url=url,
        certificate=certificate,
        issued=now_iso(),
        central_seal_key=seal_key,
    )
    saved = save_issued(path.parent.parent, issued)
    return {
        "device_id": device_id,
        "credential": secret,
        "operation": op,
        "team": team,
        "officer": officer,
        "loadout": str(path),
        "credential_file": str(saved),
    }


def save_issued(op_folder: Path, cred: Credential) -> Path:
    """Write a newly issued credential to ops/OP/credentials/TEAM-OFFICER.json (-2, -3... when
    that officer already has one: an issued credential is never overwritten)."""
    folder = private_folder(op_folder / ISSUED_FOLDER)
    base = re.sub(r"[^A-Za-z0-9._-]", "_", f"{cred.team}-{cred.officer}")
    for n in range(1, 10_000):
        path = folder / (f"{base}.json" if n == 1 else f"{base}-{n}.json")
        try:
            write_private(path, cred.to_json(), exclusive=True)
        except FileExistsError:
            continue
        return path
    raise CredentialError(f"{folder}: too many credentials for {cred.officer}")
