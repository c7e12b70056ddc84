"""The roles at central and what each may read: the one table that says so."""

from __future__ import annotations

#: What each role may read at central (HTTP and the local commands name the same things).
ROLE_READS: dict[str, frozenset[str]] = {
    "commander": frozenset({"report", "map", "followups", "partner-share", "exports"}),
    "analyst": frozenset({"report", "map", "partner-share", "exports"}),
    "case_officer": frozenset({"followups", "followups update"}),
    "partner_liaison": frozenset({"partner-share"}),
    "admin": frozenset({"audit", "users"}),
}
ROLES = tuple(ROLE_READS)


def may_read(role: str, what: str) -> bool:
    return what in ROLE_READS.get(role, frozenset())
