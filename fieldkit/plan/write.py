"""Write ops/NAME/ (plan.json, briefing, calendars, loadouts) and read plan.json back."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from fieldkit.errors import UserError
from fieldkit.json_input import MAX_PLAN, read_json
from fieldkit.plan.briefing import briefing_html, briefing_markdown
from fieldkit.plan.briefing_pdf import PdfUnavailable, briefing_pdf
from fieldkit.plan.calendar import team_calendar
from fieldkit.plan.export_json import dumps, plan_dict, sha256_file, write_atomic
from fieldkit.plan.loadouts import loadout_dict
from fieldkit.plan.records import Plan
from fieldkit.plan.revisits import add_revisits, revisits_from_doc
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook
from fieldkit.workspace import Workspace


class PlanFileError(UserError):
    """A plan.json that cannot be read or whose playbook is gone."""


def write_plan(
    plan: Plan, folder: Path, playbook_file: Path, root: Path
) -> tuple[dict[str, Any], list[str]]:
    """Every file of the plan's folder, each written atomically; plan.json is written last."""
    shown = Workspace(root).shown(playbook_file.resolve())
    doc = plan_dict(plan, shown, sha256_file(playbook_file))
    text = dumps(doc)
    plan_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    files: list[str] = []

    def put(name: str, data: bytes | str) -> None:
        write_atomic(folder / name, data)
        files.append(name)

    put("briefing.md", briefing_markdown(plan))
    put("briefing.html", briefing_html(plan))
    try:
        put("briefing.pdf", briefing_pdf(plan))
    except PdfUnavailable as exc:  # the rest of the pack still serves; say what is missing
        sys.stderr.write(f"warning: {exc}\n")
    for team in plan.playbook.teams:
        put(f"teams/{team.id}.ics", team_calendar(plan, team.id))
        put(
            f"loadouts/{team.id}.json",
            json.dumps(loadout_dict(plan, team.id, plan_sha), indent=2, ensure_ascii=False) + "\n",
        )
    put("plan.json", text)
    return doc, sorted(files)


def load_plan_file(path: Path, root: Path) -> tuple[dict[str, Any], Playbook, list[str]]:
    """plan.json, its playbook (workspace-relative path, with the plan's revisits) and
    warnings (playbook changed, a revisit's venue gone)."""
    try:
        doc = read_json(path, MAX_PLAN)
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise PlanFileError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("playbook"), dict):
        raise PlanFileError(f'{path}: not a fieldkit plan (no "playbook" entry)')
    ref = Path(str(doc["playbook"].get("path", "")))
    source = ref if ref.is_absolute() else root / ref
    if not source.is_file():
        raise PlanFileError(f"{path}: its playbook {ref} is not in the workspace {root}")
    warnings = []
    if sha256_file(source) != doc["playbook"].get("sha256"):
        warnings.append(
            f"warning: {ref} has changed since this plan was made; "
            "checking against the playbook as it is now"
        )
    book, gone = add_revisits(load_playbook(source), revisits_from_doc(doc))
    return doc, book, warnings + [f"warning: {w}" for w in gone]
