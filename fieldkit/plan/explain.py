"""Why a visit is unassigned, derived by testing each rule for each team against the plan."""

from __future__ import annotations

from fieldkit.plan.rules import Item, Rules
from fieldkit.plan.visits import TeamFacts, Visit


def _needs(rules: Rules, visit: Visit) -> str:
    book = rules.playbook.codebook
    words = [book.skills.get(s).en if book.skills.get(s) else s for s in visit.skills]  # type: ignore[union-attr]
    words += [book.partners.get(p).en if book.partners.get(p) else p for p in visit.partners]  # type: ignore[union-attr]
    if visit.risk_needs:
        words.append(visit.risk_needs)
    return " and ".join(words)


def explain(
    visit: Visit, teams: dict[str, TeamFacts], schedule: dict[str, list[Item]], rules: Rules
) -> list[str]:
    """Plain-words reasons `visit` is not in the plan, one per obstacle found."""
    window = rules.span(visit.day, *visit.window)
    qualified = [t for t, team in teams.items() if not team.missing(visit)]
    if not qualified:
        gaps = {t: teams[t].missing(visit) for t in teams}
        closest = min(gaps, key=lambda t: (len(gaps[t]), t))
        return [
            f"no team has {_needs(rules, visit)} (closest: {closest}, which lacks "
            f"{', '.join(gaps[closest])})"
        ]
    free = [t for t in qualified if teams[t].start_spans(visit)]
    if not free:
        return [f"no qualified team ({', '.join(qualified)}) is available {window}"]
    blocked: dict[str, set[str]] = {}
    detail: dict[str, list[str]] = {}
    for t in free:
        others = [i for i in schedule.get(t, []) if i[0].id != visit.id]
        start, broken = rules.place(teams[t], visit, others)
        if start is not None:
            return [
                f"{t} could make it at {rules.hhmm(start)}; the solver did not reach "
                "that plan within its time limit (re-solve with a longer --time-limit)"
            ]
        blocked[t] = {b.rule for b in broken}
        detail[t] = [b.message for b in broken]
    reasons: list[str] = []
    unavailable = [t for t in qualified if t not in free]
    if all("overlap" in r for r in blocked.values()):
        busy = "; ".join(f"{t}: {detail[t][0]}" for t in free)
        reasons.append(f"every qualified team is at another venue then ({window}): {busy}")
    if all("hours" in r for r in blocked.values()):
        reasons.append(
            f"it would exceed {rules.playbook.rules.max_hours_per_day:g} h on "
            f"{visit.day:%a %d %b} for every qualified team"
        )
    if all("rest" in r for r in blocked.values()):
        reasons.append(
            f"every qualified team would break the {rules.playbook.rules.min_rest_hours:g} h "
            f"rest between shifts"
        )
    if not reasons:
        for t in free:
            reasons.append(f"{t}: " + "; ".join(detail[t]))
    if unavailable:
        reasons.append(f"not available {window}: {', '.join(unavailable)}")
    return reasons
