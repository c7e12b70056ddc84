"""Copies of a central store made once: central.db with its unlock file (central.unlock.json)
beside it, which holds the key the store opens with."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from fieldkit.at_rest import unlock_path
from fieldkit.central.store import Central

_TEMPLATES: dict[str, Path] = {}


def copy_central(source: Path, target: Path) -> Path:
    """`source` (a central.db) and its unlock file copied to `target` and beside it."""
    shutil.copyfile(source, target)
    shutil.copyfile(unlock_path(source), unlock_path(target))
    return target


def template(name: str, fill: Callable[[Central], None]) -> Path:
    """A central store made once per test run under `name`, `fill` run on it, checkpointed
    (so its copies need no -wal file)."""
    if name not in _TEMPLATES:
        path = Path(tempfile.mkdtemp()) / "central.db"
        with Central(path, create=True) as central:
            fill(central)
            central.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATES[name] = path
    return _TEMPLATES[name]
