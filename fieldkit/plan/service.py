"""Plan a playbook: what the CLI, the app and the demo call to solve it and write ops/OP/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.plan.geocode import CACHE_NAME, geocode_playbook
from fieldkit.plan.locks import Lock, read_locks
from fieldkit.plan.problem import Chosen
from fieldkit.plan.progress import ProgressCallback, StopSwitch
from fieldkit.plan.records import Plan
from fieldkit.plan.revisits import Revisit, add_revisits
from fieldkit.plan.solve import solve
from fieldkit.plan.split import DayMemo
from fieldkit.plan.write import write_plan
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from fieldkit.workspace import Workspace

#: A folder name under ops/: letters, digits, - _ . (never a path).
OP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: the folder under ops/, the solver's limits and what to keep as it is."""

    op: str | None = None
    time_limit: float = 10.0
    seed: int = 0
    work_limit: float | None = None  # CP-SAT's deterministic time: same seed, same plan
    locks: list[Lock] | None = None
    lock_file: Path | None = None
    #: Venues to visit again (`--follow-ups-from OP`): one visit each, with its reason.
    revisits: tuple[Revisit, ...] = ()
    #: Where the search starts (the previous plan), what stops it, the days already proven.
    hint: Chosen | None = None
    stop: StopSwitch | None = None
    memo: DayMemo | None = None


@dataclass(frozen=True)
class PlanStart:
    """What a re-solve in the app starts from: the previous plan as a hint, the lead's stop
    switch and the days already proven optimal."""

    hint: Chosen | None = None
    stop: StopSwitch | None = None
    memo: DayMemo | None = None


@dataclass
class PlanSession:
    """A plan with where it came from and where it is exported to (ops/OP/)."""

    plan: Plan
    playbook_file: Path
    op: str
    source: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanResult:
    """What planning wrote: ops/OP/ (files relative to it) and plan.json as written."""

    session: PlanSession
    doc: dict[str, Any]
    folder: Path
    shown: str
    files: list[str]

    @property
    def solver(self) -> dict[str, Any]:
        """The solver's account: status, objective, bound, gap, covered and total visits."""
        return dict(self.doc["solver"])

    @property
    def unassigned(self) -> list[str]:
        """The visits no team could take."""
        return [str(u["visit"]) for u in self.doc["unassigned"]]


def read_playbook(ws: Workspace, path: Path) -> Playbook:
    """The playbook, with address-only venues located once and cached in ops/."""
    return geocode_playbook(load_playbook(path), ws.ops / CACHE_NAME)


def solve_playbook(
    ws: Workspace,
    path: Path,
    options: PlanOptions | None = None,
    progress: ProgressCallback | None = None,
) -> PlanSession:
    """Load, check, locate and solve the playbook at `path`; nothing is written."""
    options = options or PlanOptions()
    if not path.is_file():
        raise UserError(_("{path}: no such playbook file").format(path=path))
    book = load_playbook(path)
    name = options.op or book.operation.id
    if not OP_NAME.fullmatch(name):
        raise UserError(
            _('--op "{name}" is not a folder name (letters, digits, - _ .)').format(name=name)
        )
    locks = read_locks(options.lock_file) if options.lock_file else options.locks
    book = geocode_playbook(book, ws.ops / CACHE_NAME)
    book, warnings = add_revisits(book, options.revisits)
    plan = solve(
        book,
        locks=locks,
        time_limit=options.time_limit,
        seed=options.seed,
        progress=progress,
        work_limit=options.work_limit,
        hint=options.hint,
        stop=options.stop,
        memo=options.memo,
    )
    return PlanSession(plan, path, name, ws.shown(path), warnings)


def write_operation(ws: Workspace, session: PlanSession) -> PlanResult:
    """Write ops/OP/ (plan.json, briefing pack, calendars, loadouts) for the session's plan."""
    folder = ws.ops / session.op
    doc, files = write_plan(session.plan, folder, session.playbook_file, ws.root)
    return PlanResult(session, doc, folder, ws.shown(folder), files)


def plan_playbook(
    ws: Workspace,
    path: Path,
    options: PlanOptions | None = None,
    progress: ProgressCallback | None = None,
) -> PlanResult:
    """`fieldkit plan PLAYBOOK`: solve the playbook and write ops/OP/."""
    return write_operation(ws, solve_playbook(ws, path, options, progress))
