"""The weeks after the demo's operation: each referral's later life entered at central, as a
case officer would with `fieldkit followups update` (decisions, support accepted or declined,
returns home with ANITP's help).

Seeded: the same seed gives the same events. Every event goes through central's own checks
(`add_event`: the transitions of codes.yaml), so the demo never stores what a user could not.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from fieldkit.demo.progress import StepProgress
from fieldkit.demo.summary import DemoResult
from fieldkit.workspace import Workspace

#: Who the events are entered by at the demo's central.
CASE_OFFICER = "demo-case-officer"
#: The partner who helps a person home (the Romanian anti-trafficking agency).
HOME_PARTNER = "anitp"
#: How likely each next status is, when codes.yaml allows it; `None` leaves the follow-up open.
WEIGHTS: dict[str | None, float] = {
    "reasonable_grounds_positive": 5,
    "reasonable_grounds_negative": 1,
    "conclusive_grounds_positive": 2,
    "conclusive_grounds_negative": 0.5,
    "support_accepted": 3,
    "support_declined": 1.5,
    "returned_home_assisted": 1.5,
    None: 2.5,
}


def follow_up_referrals(ws: Workspace, seed: int, result: DemoResult, show: StepProgress) -> None:
    """Enter the later statuses of the operation's referrals at central; counts in `result`."""
    from fieldkit.central.access_log import LOCAL_ROLE, record_access
    from fieldkit.central.followups import PERSON, add_event, follow_ups, os_user
    from fieldkit.central.store import Central, central_path

    rng = random.Random(f"followups-{seed}")
    with Central(central_path(ws.sync)) as store:
        people = [f for f in follow_ups(store) if f.kind == PERSON]
        with store.lock:
            record_access(
                store.conn, who=os_user(), role=LOCAL_ROLE, what="followups", operation=None,
                count=len(people), purpose="demo", via="cli",
            )  # fmt: skip
        entered = 0
        for n, person in enumerate(people, start=1):
            show.step("follow-ups", n, len(people))
            at = datetime.fromisoformat(person.opened)
            for status in later_life(rng, person.history):
                at += timedelta(days=rng.randint(2, 12))
                partner = HOME_PARTNER if status == "returned_home_assisted" else None
                add_event(store, person.id, status, partner, CASE_OFFICER, now=at)
                entered += 1
    result.follow_up_events = entered
    show.done("follow-ups", f"{entered} statuses for {len(people)} people referred")


def later_life(rng: random.Random, history: tuple[str, ...]) -> list[str]:
    """The statuses that follow `history`, drawn by WEIGHTS among those codes.yaml allows and
    not yet in it (so a life ends: no support accepted, declined, accepted again...)."""
    from fieldkit.codes.followups import allowed_next

    path: list[str] = []
    while True:
        seen = {*history, *path}
        allowed = [s for s in allowed_next((*history, *path)) if s not in seen]
        if not allowed:
            return path
        options: list[str | None] = [*allowed, None]
        pick = rng.choices(options, weights=[WEIGHTS.get(s, 1.0) for s in options])[0]
        if pick is None:
            return path
        path.append(pick)
