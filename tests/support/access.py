"""Central's users and access log as the tests reach them: through the fieldkit command."""

from __future__ import annotations

import json
from typing import Any

from fieldkit.workspace import Workspace
from tests.support.cli import invoke

PASSWORD = {"FIELDKIT_USER_PASSWORD": "a long password"}


def add_user(ws: Workspace, name: str, role: str) -> str:
    """`fieldkit central users add NAME --role ROLE --token`: the API token it prints."""
    done = invoke(
        "central", "users", "add", name, "--role", role, "--token", "--workspace", ws.root,
        env=PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def audit(ws: Workspace) -> list[dict[str, Any]]:
    """The access log's entries, from `fieldkit central audit --json`."""
    done = invoke("central", "audit", "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout)["entries"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
