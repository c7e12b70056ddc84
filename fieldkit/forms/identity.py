"""The form's identity (form id and version), shared by the export and central's ODK import."""

from __future__ import annotations

#: The layout of the form's questions: a new number whenever a question is added or renamed.
LAYOUT = "fk2"
#: The form id's prefix: `fieldkit-OP` (every team) or `fieldkit-OP-TEAM`.
PREFIX = "fieldkit-"


def form_id(operation: str, team: str | None = None) -> str:
    """`fieldkit-OP` for every team of an operation, `fieldkit-OP-TEAM` for one team."""
    return f"{PREFIX}{operation}" if team is None else f"{PREFIX}{operation}-{team}"


def form_version(plan_sha256: str) -> str:
    """The layout and the plan the choices came from: `fk2.` and 12 hex digits of its sha256."""
    return f"{LAYOUT}.{plan_sha256[:12]}"
