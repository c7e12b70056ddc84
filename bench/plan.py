"""Bench the planner: Barnet, a force-sized week and a generated large operation, CP-SAT
against same-run baselines (the greedy plan; the whole model as solved before the days apart;
a re-solve from nothing).

Run: python bench/plan.py [--large-time-limit 60] [--barnet-time-limit 10] [--seed 0]
Prints one table with each row's target. Targets: Barnet OPTIMAL in <= 1.5 s (median of 5
seeds); a re-solve after a lock or a move, from the previous plan, in <= 1 s; the force-sized
week (15 teams, 300 visits) OPTIMAL or within 1% of its bound in <= 20 s; the large operation
(40 teams, 1,000 visits, two weeks) >= 98.5% of its bound in 60 s; the solver beats greedy.
"work" is CP-SAT's deterministic time, which the machine's load does not change.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from table import load_line, render

from fieldkit.plan import model, split
from fieldkit.plan.greedy import greedy
from fieldkit.plan.model import COVER_WEIGHT, solve_model
from fieldkit.plan.problem import PlanProblem, SolverSettings
from fieldkit.plan.records import Plan, SolverReport
from fieldkit.plan.rules import Rules
from fieldkit.plan.session import locks_of, move, toggle_lock
from fieldkit.plan.solve import make_plan, objective_of, plan_problem, solve
from fieldkit.plan.split import DayMemo
from fieldkit.plan.visits import all_team_facts, expand_visits
from fieldkit.playbook import load_playbook
from fieldkit.playbook.models import Playbook

ROOT = Path(__file__).resolve().parent.parent
SKILLS = [
    "romanian_speaker",
    "female_officer",
    "first_responder",
    "detective",
    "driver",
    "interpreter",
]
TYPES = [
    "brothel",
    "homeless_shelter",
    "car_wash",
    "nail_bar",
    "construction_site",
    "recruitment_agency",
    "overcrowded_house",
    "street_or_transport_hub",
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def large_playbook(
    seed: int = 1, teams: int = 40, activities: int = 100, length: int = 14
) -> Playbook:
    """40 teams of 3, 200 venues, 100 activities x 5 venues x 2 dates = 1,000 visits in 14 days."""
    rng = random.Random(seed)
    start = date(2024, 3, 4)
    dates = [start + timedelta(d) for d in range(length)]
    bases = [
        {
            "id": f"station-{i}",
            "name": f"Station {i}",
            "type": "police_station",
            "location": [51.50 + 0.05 * i, -0.20 + 0.03 * (i % 2)],
        }
        for i in range(4)
    ]
    venues = bases + [
        {
            "id": f"venue-{i}",
            "name": f"Venue {i}",
            "type": rng.choice(TYPES),
            "location": [round(rng.uniform(51.45, 51.70), 5), round(rng.uniform(-0.35, -0.05), 5)],
        }
        for i in range(200)
    ]
    roster, team_list = [], []
    for t in range(teams):
        members = []
        days = sorted(rng.sample(range(7), 5))
        for m in range(3):
            agency = (
                "met_police" if m < 2 else rng.choice(["anitp", "justice_and_care", "met_police"])
            )
            roster.append(
                {
                    "id": f"p{t}-{m}",
                    "name": f"Officer {t}-{m}",
                    "agency": agency,
                    "skills": rng.sample(SKILLS, rng.randint(1, 2)),
                    "available": [
                        {"days": [DAYS[d] for d in days], "from": "06:00", "to": "23:30"}
                    ],
                }
            )
            members.append(f"p{t}-{m}")
        team_list.append(
            {
                "id": f"team-{t:02d}",
                "name": f"Team {t}",
                "members": members,
                "base": bases[t % len(bases)]["id"],
            }
        )
    acts = []
    for a in range(activities):
        begin = rng.randint(7, 18)
        length = rng.randint(2, 5)
        chosen = rng.sample(range(200), 5)
        acts.append(
            {
                "id": f"act-{a:03d}",
                "name": f"Activity {a}",
                "venues": [f"venue-{i}" for i in chosen],
                "when": [
                    {
                        "dates": [d.isoformat() for d in sorted(rng.sample(dates, 2))],
                        "from": f"{begin:02d}:00",
                        "to": f"{min(begin + length, 23):02d}:00",
                    }
                ],
                "duration": rng.choice([30, 45, 60, 90]),
                "requires": {
                    "skills": rng.sample(SKILLS[:4], rng.randint(1, 2)),
                    "partners": rng.choice([[], [], [], ["anitp"], ["justice_and_care"]]),
                },
                "priority": rng.randint(1, 5),
            }
        )
    return Playbook.model_validate(
        {
            "operation": {
                "id": "large",
                "name": "Generated large operation",
                "start": dates[0].isoformat(),
                "end": dates[-1].isoformat(),
                "area": {"name": "London", "centre": [51.55, -0.2]},
            },
            "partners": ["met_police", "anitp", "justice_and_care"],
            "roster": roster,
            "teams": team_list,
            "venues": venues,
            "activities": acts,
            "rules": {
                "max_hours_per_day": 10,
                "min_rest_hours": 11,
                "travel_speed_kmh": 30,
                "team": {"min_size": 2},
            },
        }
    )


LARGE_PARAMETERS = (
    "large: seed 1; 40 teams of 3 officers (2 Met + 1 of Met/ANITP/Justice and Care; 1-2 of 6 "
    "skills each; a team works 5 of the 7 days of the week, 06:00-23:30), 4 bases, 200 venues "
    "spread over 28 x 21 km; 100 activities x 5 venues x 2 dates = 1,000 visits over 14 days; "
    "windows of 2-5 h opening 07:00-18:00; 30/45/60/90 min; 1-2 of 4 skills required, a "
    "partner agency in 2 of 5; priority 1-5; max 10 h a day, 11 h rest, 30 km/h"
)
FORCE_PARAMETERS = (
    "force: generated as large with seed 2, 15 teams, 30 activities x 5 venues x 2 dates = "
    "300 visits over one week (7 days)"
)


def gap_lines(plan: Plan) -> list[str]:
    """What lies between the plan and 'every visit covered': impossible, bound, the rest."""
    weight = COVER_WEIGHT
    total = sum(v.priority for v in plan.visits)
    nobody = [
        v
        for v in plan.visits
        if not any(not t.missing(v) and t.start_spans(v) for t in plan.teams.values())
    ]
    covered = plan.solver.covered_priority
    objective = objective_of(plan)
    bound = plan.solver.bound
    return [
        f"every visit covered: {total * weight:,} (priority {total})",
        f"  no qualified team available at all: {len(nobody)} visits, priority "
        f"{sum(v.priority for v in nobody)}",
        f"  bound (each day relaxed, with the travel between visits, then the rest between "
        f"days: fieldkit/plan/operation_bound.py): {bound:,.0f}, so at least "
        f"{total - bound / weight:.1f} priority can never be covered",
        f"plan: covers priority {covered} of {total} "
        f"({len(plan.assignments)}/{len(plan.visits)} visits), "
        f"travel and overtime {covered * weight - objective:,} min",
        f"  remaining gap {bound - objective:,.0f}: up to {(bound - objective) / weight:.1f} "
        "priority the plan might still gain or the relaxation over-counts (unknown split)",
    ]


def greedy_plan(playbook: Playbook) -> tuple[Plan, float]:
    began = time.monotonic()
    visits, teams, rules = expand_visits(playbook), all_team_facts(playbook), Rules(playbook)
    chosen = greedy(PlanProblem(visits, teams, rules))
    seconds = time.monotonic() - began
    report = SolverReport("GREEDY", 0, 0, 0, seconds, 0, 0)
    plan = make_plan(playbook, visits, teams, rules, chosen, report)
    return plan, seconds


def row(
    case: str, method: str, plan: Plan, seconds: float, bound: float | None, target: str = ""
) -> list[str]:
    objective = objective_of(plan)
    ratio = f"{objective / bound:.1%}" if bound else "-"
    return [
        case,
        method,
        f"{seconds:.2f}",
        f"{plan.solver.work:.2f}",
        plan.solver.status,
        f"{objective:,}",
        f"{bound:,.0f}" if bound else "-",
        f"{(bound - objective) / bound:.2%}" if bound else "-",
        ratio,
        f"{len(plan.assignments)}/{len(plan.visits)}",
        target,
    ]


def timed(playbook: Playbook, **kw: Any) -> tuple[Plan, float]:
    """A solve and its wall-clock seconds."""
    began = time.monotonic()
    plan = solve(playbook, **kw)
    return plan, time.monotonic() - began


def whole_model_before(playbook: Playbook, limit: float, seed: int) -> tuple[Plan, float]:
    """The baseline: the whole model from the greedy plan, as solved before the days apart."""
    began = time.monotonic()
    problem = plan_problem(playbook, [])
    result = solve_model(replace(problem, hint=greedy(problem)), SolverSettings(limit, seed))
    seconds = time.monotonic() - began
    report = SolverReport(result.status, result.objective, result.bound, 0, seconds, seed, limit)
    report.work = result.work
    visits, teams, rules = problem.visits, problem.teams, problem.rules
    return make_plan(playbook, visits, teams, rules, result.chosen, report), seconds


@contextmanager
def previous_start() -> Iterator[None]:
    """The days apart as solved before the router's start and the light LP: each day from its
    greedy plan, linear relaxation level 2 (a same-run baseline)."""
    kept = split.better_start
    split.better_start = lambda problem, start, cap: start
    model.EXTRA_PARAMS["linearization_level"] = 2
    try:
        yield
    finally:
        split.better_start = kept
        del model.EXTRA_PARAMS["linearization_level"]


def barnet_rows(playbook: Playbook, limit: float, workers: int) -> list[list[str]]:
    """Barnet: greedy, the whole model before, 5 seeds, and re-solves after a lock and a move."""
    rows: list[list[str]] = []
    base, base_seconds = greedy_plan(playbook)
    before, before_seconds = whole_model_before(playbook, limit, 0)
    runs = [timed(playbook, time_limit=limit, seed=s, workers=workers) for s in range(5)]
    bound = min(p.solver.bound for p, _ in runs)
    rows.append(row("barnet", "greedy (EDF)", base, base_seconds, bound))
    rows.append(row("barnet", "whole model (before), seed 0", before, before_seconds, bound))
    with previous_start():
        prior = [timed(playbook, time_limit=limit, seed=s, workers=workers) for s in range(5)]
    prior_median = statistics.median(s for _, s in prior)
    rows.append(["barnet", "days apart from greedy, level 2 LP (previous), median of 5",
                 f"{prior_median:.2f}", f"{statistics.median(p.solver.work for p, _ in prior):.2f}",
                 f"{sum(p.solver.status == 'OPTIMAL' for p, _ in prior)}/5 OPTIMAL"]
                + [""] * 6)  # fmt: skip
    for n, (plan, seconds) in enumerate(runs):
        rows.append(row("barnet", f"CP-SAT seed {n}", plan, seconds, plan.solver.bound))
    median = statistics.median(s for _, s in runs)
    optimal = sum(p.solver.status == "OPTIMAL" for p, _ in runs)
    ratio = f"{median / before_seconds:.2f}x before, {median / prior_median:.2f}x previous"
    rows.append(["barnet", "median of 5 seeds", f"{median:.2f}",
                 f"{statistics.median(p.solver.work for p, _ in runs):.2f}",
                 f"{optimal}/5 OPTIMAL", "", "", "", ratio, "", "OPTIMAL <= 1.5 s"])  # fmt: skip
    rows += resolve_rows(playbook, limit, workers)
    beats = objective_of(runs[0][0]) > objective_of(base)
    rows.append(["barnet", "solver beats greedy", "", "", "yes" if beats else "NO"] + [""] * 6)
    return rows


def resolve_rows(playbook: Playbook, limit: float, workers: int) -> list[list[str]]:
    """A lock and a move on the busiest day, re-solved from the previous plan (and the days
    already proven), against the same re-solve from nothing."""
    memo = DayMemo()
    plan = solve(playbook, time_limit=limit, seed=0, workers=workers, memo=memo)
    busiest = statistics.mode(plan.visit_index[a.visit].day for a in plan.assignments)
    on_day = [a for a in plan.assignments if plan.visit_index[a.visit].day == busiest]
    locked = toggle_lock(plan, on_day[0].visit)
    moved = next(
        (m for a in on_day for t in plan.teams if t != a.team
         for m in [move(plan, a.visit, t)[0]] if m is not None),
        locked,
    )  # fmt: skip
    rows = []
    for what, start in [("lock", locked), ("move", moved)]:
        hint = {a.visit: (a.team, a.start) for a in start.assignments}
        again, seconds = timed(playbook, locks=locks_of(start), time_limit=limit, seed=0,
                               workers=workers, hint=hint, memo=memo)  # fmt: skip
        rows.append(row("barnet", f"re-solve after a {what}", again, seconds,
                        again.solver.bound, "<= 1 s, >= previous plan"))  # fmt: skip
        cold, cold_seconds = timed(playbook, locks=locks_of(start), time_limit=limit, seed=0,
                                   workers=workers)  # fmt: skip
        rows.append(row("barnet", f"  baseline: after a {what}, from nothing", cold,
                        cold_seconds, cold.solver.bound))  # fmt: skip
    return rows


def case_rows(
    name: str, playbook: Playbook, limit: float, workers: int, seed: int, target: str
) -> tuple[list[list[str]], Plan]:
    """Greedy and CP-SAT on a generated case."""
    base, base_seconds = greedy_plan(playbook)
    plan, seconds = timed(playbook, time_limit=limit, seed=seed, workers=workers)
    bound = plan.solver.bound
    beats = objective_of(plan) > objective_of(base)
    return [
        row(name, "greedy (EDF)", base, base_seconds, bound),
        row(name, f"CP-SAT {limit:g} s", plan, seconds, bound, target),
        [name, "solver beats greedy", "", "", "yes" if beats else "NO"] + [""] * 6,
    ], plan


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--barnet-time-limit", type=float, default=10)
    parser.add_argument("--force-time-limit", type=float, default=20)
    parser.add_argument("--large-time-limit", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cases", default="barnet,force,large")
    args = parser.parse_args(argv)
    cases = args.cases.split(",")
    notes: list[str] = [load_line("at the start")]
    rows: list[list[str]] = []
    if "barnet" in cases:
        book = load_playbook(ROOT / "playbooks" / "barnet-week-of-action.yaml")
        rows += barnet_rows(book, args.barnet_time_limit, args.workers)
        notes.append(load_line("after barnet"))
    if "force" in cases:
        force = large_playbook(seed=2, teams=15, activities=30, length=7)
        target = "OPTIMAL or gap <= 1% in <= 20 s"
        more, _ = case_rows("force", force, args.force_time_limit, args.workers, args.seed, target)
        rows += more
        notes += [FORCE_PARAMETERS, load_line("after force")]
    if "large" in cases:
        target = ">= 98.5% of bound in 60 s"
        more, plan = case_rows(
            "large", large_playbook(), args.large_time_limit, args.workers, args.seed, target
        )
        rows += more
        notes += [LARGE_PARAMETERS, *gap_lines(plan), load_line("after large")]
    print_table(rows)
    for line in notes:
        print(line)


def print_table(rows: list[list[str]]) -> None:
    head = ["case", "method", "time s", "work", "status", "objective", "bound", "gap",
            "obj/bound", "covered", "target"]  # fmt: skip
    print(render(head, rows, rule=True))
    print()


if __name__ == "__main__":
    main()
