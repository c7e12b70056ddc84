"""The simulator: device stores filled with plausible engagements that follow each team's plan.

`simulate(op_folder, devices=N, engagements=M, seed=S)` reads `op_folder/loadouts/*.json`,
enrols N devices into `op_folder/devices/DEVICE_ID/` (teams round-robin; officers
round-robin within a team) and gives each M engagements through the ordinary store code.

What the engagements look like:
- 85% happen on an assigned visit: at its venue (GPS within ~25 m, accuracy 5-30 m), at a
  time inside the visit; 15% are off-plan street encounters within ~400 m of a visit's venue
  (venue type street_or_transport_hub, no venue id). Partners present are always the team's
  roster on the day (`partners_present`), wherever it went.
- People, indicators and outcomes follow the venue type (`PROFILES` in profiles.py): e.g.
  about 45% of brothel engagements show signs, mostly control by a "boyfriend", online
  adverts and fear; about 8% of church engagements do. Outcomes follow the signs (leaflet,
  helpline, and with two or more signs safeguarding / NRM referrals, intelligence, follow-up).
- Persons met one to one (format 2), besides the groups counted: at an engagement with signs,
  as often as the place suggests (`one_to_one` in profiles.py: most brothels, car washes, nail
  bars and shelters; never a church congregation or an arrivals hall, which stay groups),
  one to three persons, a few of them children, each with their own signs, consent, the
  route the referral rules allow with the team's officers, the referrer, a reference and the
  interpreter (simulate_persons.py). Every record passes the rules (fieldkit/codes/rules.py).
- PLANTED clusters: at the venues named in `PLANTED` (for the Barnet playbook; for another
  operation, the first venue by id of the same type), each device also logs 8% of its
  engagements as follow-up visits, and every engagement within `radius_m` of a planted
  venue shows signs at `rate` (0.85), drawn from the cluster's own indicators. So the hex
  cells and density around those venues come out hot; everything else stays cool.
  `op_folder/devices/simulation.json` lists the planted clusters with their coordinates.

The same seed gives the same engagements (ids, stamps and keys differ from run to run).
"""

from __future__ import annotations

import json
import math
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fieldkit.errors import UserError
from fieldkit.field.device import Device
from fieldkit.field.draft import Draft
from fieldkit.field.enroll import DEVICE_DIR, DEVICE_FILE, enroll_loadout
from fieldkit.field.loadout import Assignment, Loadout, VenueInfo, read_loadout
from fieldkit.field.profiles import AGE_BANDS, DEFAULT_PROFILE, NATIONALITIES, PROFILES, Profile
from fieldkit.field.roster import partners_present
from fieldkit.field.simulate_persons import meet_persons
from fieldkit.field.unlock import DEMO_PASSPHRASE
from fieldkit.model import PeopleGroup

SIMULATION_FORMAT = "fieldkit-simulation/1"


#: The planted clusters of the Barnet playbook: (venue id, indicators shown there).
PLANTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "popup-cricklewood",
        (
            "controlling_boyfriend",
            "advertised_online",
            "no_identity_documents",
            "fear_of_deportation",
        ),
    ),
    ("carwash-edgware-road", ("long_hours", "little_or_no_money", "owes_debt", "poor_housing")),
    (
        "site-brent-cross-town",
        ("untreated_injuries", "owes_debt", "unsuitable_clothing", "long_hours"),
    ),
)
PLANTED_RATE = 0.85
PLANTED_RADIUS_M = 350.0
FOLLOW_UP_SHARE = 0.08
OFF_PLAN_SHARE = 0.15


@dataclass(frozen=True)
class Cluster:
    venue: VenueInfo
    indicators: tuple[str, ...]


def simulate(
    op_folder: Path, devices: int, engagements: int, seed: int, replace: bool = False
) -> dict[str, Any]:
    """Enrol `devices` simulated devices and fill each with `engagements`; returns the manifest."""
    paths = sorted((op_folder / "loadouts").glob("*.json"))
    if not paths:
        raise UserError(f"{op_folder}/loadouts/ has no loadouts: run `fieldkit plan` first")
    loadouts = [(read_loadout(p), p.read_bytes()) for p in paths]
    target = op_folder / "devices"
    if target.exists() and any(target.iterdir()):
        if not replace:
            raise UserError(f"{target} already holds devices; give --replace to simulate afresh")
        _remove_simulated(target)
    clusters = planted_clusters(loadouts[0][0])
    manifest: dict[str, Any] = {
        "format": SIMULATION_FORMAT,
        "seed": seed,
        "devices": [],
        "planted": [_cluster_entry(c) for c in clusters],
    }
    for i in range(devices):
        loadout, raw = loadouts[i % len(loadouts)]
        rng = random.Random(f"{seed}/{i}")
        members = [m.id for m in loadout.members]
        officer = members[(i // len(loadouts)) % len(members)]
        device_id = f"{loadout.team}-{rng.getrandbits(32):08x}"
        _enrol_simulated(loadout, raw, target / device_id, officer)
        _fill(target / device_id, rng, clusters, engagements)
        manifest["devices"].append(
            {"id": device_id, "team": loadout.team, "officer": officer, "engagements": engagements}
        )
    target.mkdir(parents=True, exist_ok=True)
    (target / "simulation.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _cluster_entry(c: Cluster) -> dict[str, Any]:
    """A planted cluster as simulation.json lists it."""
    return {
        "venue": c.venue.id,
        "name": c.venue.name,
        "type": c.venue.type,
        "lat": c.venue.lat,
        "lon": c.venue.lon,
        "radius_m": PLANTED_RADIUS_M,
        "rate": PLANTED_RATE,
        "indicators": list(c.indicators),
    }


def _enrol_simulated(loadout: Loadout, raw: bytes, root: Path, officer: str) -> None:
    """Enrol a device at `root` (named by its folder) and mark it simulated."""
    enroll_loadout(loadout, raw, root, officer, root.name, DEMO_PASSPHRASE)
    info_path = root / DEVICE_DIR / DEVICE_FILE
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info_path.write_text(json.dumps({**info, "simulated": True}, indent=2) + "\n", encoding="utf-8")


def _fill(root: Path, rng: random.Random, clusters: list[Cluster], engagements: int) -> None:
    """Save `engagements` made-up engagements on the device, in time order, in batches."""
    with Device.open(root, DEMO_PASSPHRASE) as dev:
        drafts = [make_draft(dev, rng, clusters) for _ in range(engagements)]
        drafts.sort(key=lambda d: d.time)
        for start in range(0, len(drafts), 5000):
            chunk = drafts[start : start + 5000]
            dev.save_many(
                chunk, recorded=[d.time + timedelta(minutes=rng.randint(1, 20)) for d in chunk]
            )


def planted_clusters(loadout: Loadout) -> list[Cluster]:
    """The planted venues in this operation's catalogue (by id, else the first of the type)."""
    found: list[Cluster] = []
    by_type = {
        "popup-cricklewood": "brothel",
        "carwash-edgware-road": "car_wash",
        "site-brent-cross-town": "construction_site",
    }
    for venue_id, indicators in PLANTED:
        venue = loadout.venues.get(venue_id)
        if venue is None:
            same = sorted(v.id for v in loadout.venues.values() if v.type == by_type[venue_id])
            venue = loadout.venues[same[0]] if same else None
        known = tuple(i for i in indicators if i in loadout.codes.indicators)
        if venue is not None and venue.lat is not None and known:
            found.append(Cluster(venue, known))
    return found


def make_draft(dev: Device, rng: random.Random, clusters: list[Cluster]) -> Draft:
    """One plausible engagement for this device's team."""
    loadout = dev.loadout
    plan = list(loadout.assignments)
    roll = rng.random()
    members = [m.id for m in loadout.members]
    officer = dev.officer if rng.random() < 0.7 else rng.choice(members)
    if plan and roll >= FOLLOW_UP_SHARE:
        visit = rng.choice(plan)
        moment = _within(rng, visit)
    else:
        visit = None
        moment = _any_time(rng, loadout, plan)
    draft = Draft(officer=officer, time=moment, partners=partners_present(loadout, moment, officer))
    if visit is None and clusters:
        venue = rng.choice(clusters).venue
        draft.update(venue=venue.id, venue_type=venue.type)
        _place(draft, rng, venue, 25)
    elif visit is not None and rng.random() >= OFF_PLAN_SHARE:
        venue = loadout.venues[visit.venue]
        draft.update(visit=visit.visit, venue=venue.id, venue_type=venue.type)
        _place(draft, rng, venue, 25)
    else:
        base = loadout.venues[visit.venue] if visit else next(iter(loadout.venues.values()))
        draft.update(venue_type=_code(loadout, "street_or_transport_hub", base.type))
        _place(draft, rng, base, 400)
    _people_and_signs(draft, rng, loadout, clusters)
    return draft


def _within(rng: random.Random, visit: Assignment) -> datetime:
    span = max(int((visit.end - visit.start).total_seconds() // 60), 1)
    return (visit.start + timedelta(minutes=rng.randrange(span))).replace(microsecond=0)


def _any_time(rng: random.Random, loadout: Loadout, plan: list[Assignment]) -> datetime:
    if plan:
        base = rng.choice(plan).start.replace(hour=10, minute=0)
    else:
        start = datetime.fromisoformat(str(loadout.data["operation"]["start"]))
        base = start.replace(hour=10, tzinfo=loadout.zone)
    return base + timedelta(minutes=rng.randrange(10 * 60))


def _code(loadout: Loadout, wanted: str, fallback: str) -> str:
    return wanted if wanted in loadout.codes.venue_types else fallback


def _place(draft: Draft, rng: random.Random, venue: VenueInfo, spread_m: float) -> None:
    if venue.lat is None or venue.lon is None:
        return
    dist, angle = spread_m * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = dist * math.cos(angle) / 111_320
    dlon = dist * math.sin(angle) / (111_320 * math.cos(math.radians(venue.lat)))
    draft.update(
        lat=round(venue.lat + dlat, 6),
        lon=round(venue.lon + dlon, 6),
        accuracy_m=float(rng.randint(5, 30)),
    )


def _near(draft: Draft, clusters: list[Cluster]) -> Cluster | None:
    if draft.lat is None or draft.lon is None:
        return None
    for c in clusters:
        assert c.venue.lat is not None and c.venue.lon is not None
        dy = (draft.lat - c.venue.lat) * 111_320
        dx = (draft.lon - c.venue.lon) * 111_320 * math.cos(math.radians(c.venue.lat))
        if math.hypot(dx, dy) <= PLANTED_RADIUS_M:
            return c
    return None


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...], valid: Any) -> str:
    choices = [(c, w) for c, w in weighted if c in valid] or [(next(iter(valid)).code, 1)]
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _people_and_signs(
    draft: Draft, rng: random.Random, loadout: Loadout, clusters: list[Cluster]
) -> None:
    """Who was met, the signs seen, the language, and what was done, as the place suggests."""
    codes = loadout.codes
    profile = PROFILES.get(draft.venue_type or "other", DEFAULT_PROFILE)
    cluster = _near(draft, clusters)
    nationality = _pick(rng, NATIONALITIES, codes["nationalities"])
    draft.people = _people(rng, loadout, profile, nationality)
    rate, pool = (
        (PLANTED_RATE, cluster.indicators) if cluster else (profile.sign_rate, profile.indicators)
    )
    pool = tuple(i for i in pool if i in codes.indicators)
    signs: list[str] = []
    if pool and rng.random() < rate:
        signs = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 2, 3))))
    draft.indicators = signs
    speaks = any("romanian_speaker" in m.skills for m in loadout.members)
    romanian = nationality in ("romanian", "moldovan")
    language = "romanian" if romanian else "english"
    draft.language = language if language in codes["languages"] else None
    draft.interpreter = romanian and not speaks
    draft.outcomes = [o for o in _outcomes(rng, signs) if o in codes.outcomes]
    if "nrm_referral" in draft.outcomes:
        draft.referral_ref = f"NRM-{rng.randint(100000, 999999)}"
    meet_persons(draft, rng, loadout, profile)
    if signs and rng.random() < 0.3:
        draft.notes = rng.choice(
            (
                "Manager answered for the workers.",
                "Worker said their passport is kept by the boss.",
                "Several mattresses seen in the back room.",
                "Did not want to talk while observed.",
            )
        )


def _people(
    rng: random.Random, loadout: Loadout, profile: Profile, nationality: str
) -> list[PeopleGroup]:
    """One or two groups of people of one nationality, gender and size as the place suggests."""
    codes = loadout.codes
    people: list[PeopleGroup] = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        gender = "female" if rng.random() < profile.female_share else "male"
        if gender not in codes["genders"]:
            gender = codes["genders"].ids[0]
        people.append(
            PeopleGroup(
                gender,
                _pick(rng, AGE_BANDS, codes["age_bands"]),
                nationality,
                rng.randint(*profile.group),
            )
        )
    return people


def _outcomes(rng: random.Random, signs: list[str]) -> list[str]:
    """A leaflet or no concerns; with signs the helpline, and with two or more referrals."""
    outcomes = ["leaflet_given"] if rng.random() < 0.6 else ["no_concerns"]
    if signs:
        outcomes = ["leaflet_given"]
        outcomes += ["helpline_signposted"] if rng.random() < 0.6 else []
        if len(signs) >= 2:
            for code, p in (
                ("safeguarding_referral", 0.3),
                ("nrm_referral", 0.25),
                ("intelligence_submitted", 0.4),
                ("follow_up_needed", 0.4),
                ("arrest", 0.03),
            ):
                if rng.random() < p:
                    outcomes.append(code)
    return outcomes


def _remove_simulated(target: Path) -> None:
    for folder in target.iterdir():
        info = folder / DEVICE_DIR / DEVICE_FILE
        if folder.is_dir() and info.is_file():
            if not json.loads(info.read_text(encoding="utf-8")).get("simulated"):
                raise UserError(f"{folder} is a real device, not a simulated one; not removing it")
    shutil.rmtree(target)
