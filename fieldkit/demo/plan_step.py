"""The demo's first step: plan the Barnet week through the same front door as `fieldkit plan`."""

from __future__ import annotations

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoResult
from fieldkit.demo.workspace import OPERATION, PLAYBOOK
from fieldkit.plan.progress import SolveProgress
from fieldkit.plan.service import PlanOptions, plan_playbook
from fieldkit.workspace import Workspace

#: The wall-clock cap; the search ends by WORK_LIMIT well before it.
TIME_LIMIT = 120.0
#: CP-SAT's deterministic time for the Barnet week (optimal by about 5): the same seed gives
#: the same plan however busy the machine is.
WORK_LIMIT = 20.0


def plan_week(ws: Workspace, seed: int, result: DemoResult, show: StepProgress) -> None:
    """Solve the shipped playbook into ops/barnet-2023/ and note what was planned."""
    show.step("plan", note="reading the playbook")

    def report(p: SolveProgress) -> None:
        show.step("plan", note=f"plan {p.solutions}: objective {p.objective:,.0f}")

    options = PlanOptions(op=OPERATION, time_limit=TIME_LIMIT, seed=seed, work_limit=WORK_LIMIT)
    planned = plan_playbook(ws, ws.playbooks / PLAYBOOK, options, progress=report)
    s = planned.solver
    result.plan = {
        "visits": s["total_visits"],
        "assigned": s["covered_visits"],
        "unassigned": planned.unassigned,
        "status": s["status"],
        "teams": [t["id"] for t in planned.doc["teams"]],
    }
    show.done("plan", f"{s['covered_visits']} of {s['total_visits']} visits ({s['status']})")
