"""The solver's status in the user's words: the plan keeps the solver's name (OPTIMAL...), the
screens and the commands say it in the language in use."""

from __future__ import annotations

from fieldkit.i18n import N_, _

SOLVER_STATUS = {
    "OPTIMAL": N_("optimal"),
    "FEASIBLE": N_("feasible"),
    "GREEDY": N_("greedy"),
    "INFEASIBLE": N_("infeasible"),
    "UNKNOWN": N_("unknown"),
}


def status_word(status: str) -> str:
    """`status` as the plan keeps it, said in the language in use (itself when unknown)."""
    return _(SOLVER_STATUS[status]) if status in SOLVER_STATUS else status
