"""The demo's fleet: one central credential per device, each device enrolled from its team's
loadout through the same front door as `fieldkit device enroll --credential`."""

from __future__ import annotations

import json
from pathlib import Path

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoDevice, DemoResult
from fieldkit.demo.sync_step import issue_credential, open_central
from fieldkit.demo.workspace import OPERATION
from fieldkit.sync.enrol import enrol_device
from fieldkit.workspace import Workspace


def enrol_devices(ws: Workspace, count: int, result: DemoResult, show: StepProgress) -> None:
    """`count` devices, teams round-robin, officers in turn within each team."""
    show.step("central", 0, count)
    open_central(ws)
    teams: list[str] = result.plan["teams"]
    loadouts = ws.ops / OPERATION / "loadouts"
    for i in range(count):
        team = teams[i % len(teams)]
        data = json.loads((loadouts / f"{team}.json").read_text(encoding="utf-8"))
        members = [str(m["id"]) for m in data["team"]["members"]]
        officer = members[(i // len(teams)) % len(members)]
        # Each device gets its own credential (a file of its own in ops/OP/credentials/), and
        # is enrolled from the team's loadout with it, as a patrol lead would do.
        issued = issue_credential(ws, team, officer, OPERATION)
        show.step("central", i + 1, count, f"credential {issued['device_id']}")
        root = ws.ops / OPERATION / "devices" / issued["device_id"]
        enrolled = enrol_device(
            Path(issued["loadout"]), root, credential=Path(issued["credential_file"])
        )
        result.devices.append(DemoDevice(enrolled.device_id, team, officer, root))
        show.step("enrol", i + 1, count, f"{enrolled.device_id} ({officer})")
    show.done("central", f"{count} credential(s) issued")
    show.done("enrol", f"{count} device(s), teams {', '.join(sorted(set(teams[:count])))}")
