"""Locked assignments: read from YAML or JSON, resolved to visits and checked against the rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from fieldkit.codes import did_you_mean
from fieldkit.errors import UserError
from fieldkit.json_input import loads
from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit


class LockError(UserError):
    """A locks file that names unknown visits or teams, or breaks a rule."""


@dataclass(frozen=True)
class Lock:
    visit: str
    team: str
    start: str | int  # "HH:MM" on the visit's day, ISO 8601, or a timeline minute


def read_locks(path: Path) -> list[Lock]:
    """[{visit, team, start}] from a YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LockError(f"{path}: cannot read the locks file ({exc.strerror})") from None
    try:
        data: Any = loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        raise LockError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from None
    if isinstance(data, dict) and "locks" in data:
        data = data["locks"]
    if not isinstance(data, list):
        raise LockError(f"{path}: a locks file is a list of {{visit, team, start}}")
    locks = []
    for n, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not {"visit", "team", "start"} <= set(entry):
            raise LockError(f"{path}: lock {n} needs visit, team and start")
        locks.append(Lock(str(entry["visit"]), str(entry["team"]), str(entry["start"])))
    return locks


def _minute(lock: Lock, visit: Visit, rules: Rules) -> int:
    if isinstance(lock.start, int):
        return lock.start
    text = lock.start.strip()
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(p) for p in text.split(":"))
            return rules.clock.minute(
                datetime.combine(
                    visit.day,
                    datetime.min.time().replace(hour=hour, minute=minute),
                    tzinfo=rules.clock.zone,
                )
            )
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise LockError(
            f'lock of {visit.id}: start "{lock.start}" is not "HH:MM" or an ISO date-time'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.clock.zone)
    return rules.clock.minute(moment)


def resolve_locks(
    locks: list[Lock], visits: list[Visit], teams: dict[str, TeamFacts], rules: Rules
) -> dict[str, tuple[str, int]]:
    """visit id -> (team, start minute); LockError naming each unknown id or broken rule."""
    index = {v.id: v for v in visits}
    problems: list[str] = []
    out: dict[str, tuple[str, int]] = {}
    items: dict[str, list[Item]] = defaultdict(list)
    for lock in locks:
        if lock.visit not in index:
            problems.append(f"lock: unknown visit {lock.visit}{did_you_mean(lock.visit, index)}")
            continue
        if lock.team not in teams:
            problems.append(
                f"lock of {lock.visit}: unknown team {lock.team}{did_you_mean(lock.team, teams)}"
            )
            continue
        if lock.visit in out:
            problems.append(f"lock: visit {lock.visit} is locked twice")
            continue
        try:
            start = _minute(lock, index[lock.visit], rules)
        except LockError as exc:
            problems.append(str(exc))
            continue
        out[lock.visit] = (lock.team, start)
        items[lock.team].append((index[lock.visit], start))
    for team_id, team_items in items.items():
        for broken in rules.team_rules(teams[team_id], team_items):
            problems.append(f"lock breaks rule {broken}")
    if problems:
        raise LockError("the locks cannot be kept:\n" + "\n".join(f"  {p}" for p in problems))
    return out
