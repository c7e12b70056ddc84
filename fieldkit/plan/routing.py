"""A first plan for one day from OR-Tools' vehicle router: a close start for CP-SAT's search.

Each team is a vehicle leaving its base and coming back; each (visit, team) pair the team may
make is a node only that team can serve, and a visit's nodes form a disjunction worth its
priority times COVER_WEIGHT when one is served. The time dimension carries the visits' start
spans (per team), durations and travel; the span of a route is its shift, capped by the hours
limit, with overtime past NORMAL_SHIFT_MINUTES as a soft bound of cost 1 a minute; travel is the
arc cost. That is the objective of constraints.py, so the router's local search (moves kept
while they improve it, to a local optimum) improves the same thing. The result is checked
against the rules before use: a plan that breaks any is dropped (None), and the caller keeps
its own start.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from fieldkit.plan.constraints import COVER_WEIGHT, NORMAL_SHIFT_MINUTES
from fieldkit.plan.problem import Chosen, PlanProblem
from fieldkit.plan.rules import Item
from fieldkit.plan.visits import Span, Visit

#: Below this many (visit, team) pairs a day is worth routing before CP-SAT.
MAX_ROUTED_PAIRS = 2_000


@dataclass
class _Nodes:
    """The router's nodes: one depot per team, then one node per (visit, team) pair."""

    teams: list[str]
    place: list[str | None] = field(default_factory=list)  # node -> venue (or base)
    duration: list[int] = field(default_factory=list)
    pair: list[tuple[Visit, str] | None] = field(default_factory=list)  # None: a depot
    spans: list[list[Span]] = field(default_factory=list)

    def add(self, place: str | None, pair: tuple[Visit, str] | None, spans: list[Span]) -> int:
        self.place.append(place)
        self.duration.append(pair[0].duration if pair else 0)
        self.pair.append(pair)
        self.spans.append(spans)
        return len(self.place) - 1


def _nodes(problem: PlanProblem) -> tuple[_Nodes, dict[str, list[int]]]:
    """The depots and the pairs; returns also each visit's nodes."""
    nodes = _Nodes(sorted(problem.teams))
    for t in nodes.teams:
        nodes.add(problem.teams[t].base, None, [])
    by_visit: dict[str, list[int]] = {}
    for v in problem.visits:
        lock = problem.locks.get(v.id)
        teams = [lock[0]] if lock else nodes.teams
        for t in teams:
            team = problem.teams[t]
            if team.missing(v):
                continue
            spans = [(lock[1], lock[1])] if lock else team.start_spans(v)
            if spans:
                by_visit.setdefault(v.id, []).append(nodes.add(v.venue, (v, t), spans))
    return nodes, by_visit


def worth(problem: PlanProblem, chosen: Chosen) -> int:
    """The objective of constraints.py for `chosen`: priority covered (weighted) less travel
    and overtime minutes, each team-day from base to base."""
    index, rules = problem.visit_index(), problem.rules
    routes: dict[tuple[str, object], list[Item]] = {}
    for vid, (t, s) in chosen.items():
        routes.setdefault((t, index[vid].day), []).append((index[vid], s))
    total = sum(index[vid].priority for vid in chosen) * COVER_WEIGHT
    for (t, _), items in routes.items():
        items.sort(key=lambda i: i[1])
        base = problem.teams[t].base
        places = [base, *(v.venue for v, _ in items), base]
        total -= sum(rules.travel.minutes(a, b) for a, b in zip(places, places[1:], strict=False))
        begin, end = rules.shift(problem.teams[t], items)
        total -= max(0, end - begin - NORMAL_SHIFT_MINUTES)
    return total


def better_start(problem: PlanProblem, start: Chosen, cap: float) -> Chosen:
    """The router's plan of `problem` (one day) when it is worth more than `start`, else
    `start`; the router searches at most `cap` seconds."""
    routed = route_day(problem, cap)
    if routed is None or worth(problem, routed) <= worth(problem, start):
        return start
    return routed


def route_day(problem: PlanProblem, cap: float) -> Chosen | None:
    """The router's plan of `problem` (one day's visits): its first plan, then moves while
    they improve it (at most `cap` seconds); None when it finds none, the day is too large,
    or its plan breaks a rule."""
    nodes, by_visit = _nodes(problem)
    if len(nodes.place) - len(nodes.teams) > MAX_ROUTED_PAIRS or not by_visit:
        return None
    depots = list(range(len(nodes.teams)))
    manager = pywrapcp.RoutingIndexManager(len(nodes.place), len(depots), depots, depots)
    routing = pywrapcp.RoutingModel(manager)
    travel = problem.rules.travel
    legs = [[travel.minutes(a, b) for b in nodes.place] for a in nodes.place]
    busy = [[d + m for m in row] for d, row in zip(nodes.duration, legs, strict=True)]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(legs))
    horizon = 1 + max(b + 24 * 60 for spans in nodes.spans for _, b in spans)
    routing.AddDimension(routing.RegisterTransitMatrix(busy), horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    _limit_shifts(problem, nodes, routing, time)
    _add_visits(problem, nodes, by_visit, manager, routing, time)
    params = pywrapcp.DefaultRoutingSearchParameters()
    strategies = routing_enums_pb2.FirstSolutionStrategy
    params.first_solution_strategy = strategies.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(max(10, int(cap * 1000)))
    found = routing.SolveWithParameters(params)
    if found is None:
        return None
    return _read(problem, nodes, manager, routing, time, found)


def _limit_shifts(
    problem: PlanProblem,
    nodes: _Nodes,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
) -> None:
    """Each team's shift: within the hours limit, after its rest, overtime at 1 a minute."""
    not_before = problem.not_before or {}
    for k, t in enumerate(nodes.teams):
        time.SetSpanUpperBoundForVehicle(problem.rules.max_minutes, k)
        time.SetSoftSpanUpperBoundForVehicle(pywrapcp.BoundCost(NORMAL_SHIFT_MINUTES, 1), k)
        if t in not_before:
            start = time.CumulVar(routing.Start(k))
            start.SetMin(max(start.Min(), not_before[t]))
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(k)))
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(routing.Start(k)))


def _add_visits(
    problem: PlanProblem,
    nodes: _Nodes,
    by_visit: dict[str, list[int]],
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
) -> None:
    """Each pair's team and start spans; each visit served at most once (locked: exactly)."""
    vehicle = {t: k for k, t in enumerate(nodes.teams)}
    for node, pair in enumerate(nodes.pair):
        if pair is None:
            continue
        index = manager.NodeToIndex(node)
        routing.VehicleVar(index).SetValues([-1, vehicle[pair[1]]])
        spans = sorted(nodes.spans[node])
        cumul = time.CumulVar(index)
        cumul.SetRange(spans[0][0], spans[-1][1])
        for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
            if hi + 1 <= lo - 1:
                cumul.RemoveInterval(hi + 1, lo - 1)
    for vid, options in by_visit.items():
        indices = [manager.NodeToIndex(n) for n in options]
        if vid in problem.locks:
            continue  # a locked visit's one node is served: no disjunction
        priority = nodes.pair[options[0]][0].priority  # type: ignore[index]
        routing.AddDisjunction(indices, priority * COVER_WEIGHT, 1)


def _read(
    problem: PlanProblem,
    nodes: _Nodes,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
    found: pywrapcp.Assignment,
) -> Chosen | None:
    """The visits served and their starts; None when a team's day breaks a rule."""
    chosen: Chosen = {}
    for k, t in enumerate(nodes.teams):
        items: list[Item] = []
        index = found.Value(routing.NextVar(routing.Start(k)))
        while not routing.IsEnd(index):
            pair = nodes.pair[manager.IndexToNode(index)]
            assert pair is not None
            start = found.Min(time.CumulVar(index))
            items.append((pair[0], start))
            chosen[pair[0].id] = (t, start)
            index = found.Value(routing.NextVar(index))
        if items and problem.rules.team_rules(problem.teams[t], items):
            return None
    return chosen
