"""What a Gi* class means, in plain words for the legend and the report."""

from __future__ import annotations

#: The cell and the ring of six around it: what Gi* compares with the whole study area.
NEIGHBOURHOOD = "this cell and the six around it"


def confidence(klass: str) -> int | None:
    """99, 95 or 90 for a hot or cold class; None when not significant."""
    head, _, level = klass.partition("_")
    return int(level) if head in ("hot", "cold") and level.isdigit() else None


def meaning(klass: str) -> str:
    """'more engagements with signs here than chance would give, 99% confidence' and the like."""
    level = confidence(klass)
    if level is None:
        return "no more and no fewer engagements with signs here than chance would give"
    more = "more" if klass.startswith("hot") else "fewer"
    return f"{more} engagements with signs here than chance would give, {level}% confidence"


def statistics_note(fdr: bool) -> str:
    """How the classes are decided, for the click-away details."""
    correction = (
        "p adjusted for testing many cells (Benjamini-Hochberg false discovery rate)"
        if fdr
        else "p not adjusted for testing many cells"
    )
    return (
        "Getis-Ord Gi*: z compares the engagements with signs in "
        f"{NEIGHBOURHOOD} with the whole area; p is the two-sided probability of a z this "
        f"large by chance ({correction}); 99% confidence means p ≤ 0.01, 95% p ≤ 0.05, "
        "90% p ≤ 0.10."
    )
