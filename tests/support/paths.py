"""Where the repository and its shipped playbooks are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
BARNET = PLAYBOOKS / "barnet-week-of-action.yaml"
