"""Plan versions on central: team loadouts published from ops/, pulled by devices by cursor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fieldkit.central.store import Central
from fieldkit.wire.protocol import NOT_PLAN, PlanChange, PullResponse, content_sha256, now_iso


def publish(central: Central, ops: Path) -> int:
    """Record a new plan version for every team loadout in ops/*/loadouts/ that changed."""
    added = 0
    for path in sorted(ops.glob("*/loadouts/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            operation, team = str(data["operation"]["id"]), str(data["team"]["id"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a loadout: `fieldkit plan` reports those
        plan = {k: v for k, v in data.items() if k not in NOT_PLAN}
        sha = content_sha256(data)
        with central.transaction() as conn:
            last = conn.execute(
                "SELECT content_sha256 FROM plans WHERE operation = ? AND team = ? "
                "ORDER BY version DESC LIMIT 1",
                (operation, team),
            ).fetchone()
            if last and last[0] == sha:
                continue
            conn.execute(
                "INSERT INTO plans (operation, team, plan_sha256, content_sha256, loadout, "
                "published_at) VALUES (?,?,?,?,?,?)",
                (
                    operation,
                    team,
                    str(data.get("plan_sha256") or ""),
                    sha,
                    json.dumps(plan, ensure_ascii=False),
                    now_iso(),
                ),
            )
            added += 1
    return added


def pull(
    central: Central, operation: str, team: str, cursor: int, have: str | None
) -> PullResponse:
    """The newest plan of this team if it is newer than `cursor` and not what the device has."""
    rows = central.query(
        "SELECT version, plan_sha256, content_sha256, loadout FROM plans "
        "WHERE operation = ? AND team = ? ORDER BY version DESC LIMIT 1",
        (operation, team),
    )
    if not rows or rows[0][0] <= cursor:
        return PullResponse(cursor=max(cursor, rows[0][0] if rows else 0))
    version, plan_sha, sha, text = rows[0]
    if sha == have:
        return PullResponse(cursor=version)
    loadout = json.loads(text)
    before = central.query(
        "SELECT loadout FROM plans WHERE operation = ? AND team = ? AND version = ?",
        (operation, team, cursor),
    )
    added, removed, changed = diff_visits(json.loads(before[0][0]) if before else None, loadout)
    return PullResponse(
        cursor=version,
        change=PlanChange(
            version=version,
            plan_sha256=plan_sha,
            loadout=loadout,
            added=added,
            removed=removed,
            changed=changed,
        ),
    )


def diff_visits(
    old: dict[str, Any] | None, new: dict[str, Any]
) -> tuple[list[str], list[str], list[str]]:
    """Visit ids added, removed and changed between two loadouts."""

    def visits(data: dict[str, Any] | None) -> dict[str, Any]:
        return {str(a.get("visit")): a for a in (data or {}).get("assignments") or []}

    before, after = visits(old), visits(new)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(v for v in set(after) & set(before) if after[v] != before[v])
    return added, removed, changed
