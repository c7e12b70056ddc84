"""Geocoding at planning time only: venue addresses to coordinates with Nominatim, cached.

The cache is ops/.geocode-cache.json ({address: [lat, lon]}): kept out of git with the rest of
ops/ because venue addresses can be sensitive, and shared by every operation of the workspace
so the same address is never asked twice. Requests go one a second at most.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit import __version__
from fieldkit.errors import UserError
from fieldkit.plan.export_json import write_atomic
from fieldkit.playbook.models import Playbook

USER_AGENT = f"fieldkit/{__version__} (joint patrol planning; geocodes venue addresses once)"
CACHE_NAME = ".geocode-cache.json"


class GeocodeError(UserError):
    """Venues that still need coordinates after geocoding."""


def _key(address: str) -> str:
    return " ".join(address.lower().split())


def read_cache(path: Path) -> dict[str, list[float]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2}


def nominatim_lookup(
    domain: str | None = None, scheme: str | None = None, timeout: float = 10
) -> Callable[[str], tuple[float, float] | None]:
    """A one-request-a-second lookup with geopy's Nominatim client (domain/scheme from env)."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    client = Nominatim(
        user_agent=USER_AGENT,
        domain=domain or os.environ.get("FIELDKIT_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org"),
        scheme=scheme or os.environ.get("FIELDKIT_NOMINATIM_SCHEME", "https"),
        timeout=timeout,
    )
    limited = RateLimiter(
        client.geocode, min_delay_seconds=1, max_retries=0, swallow_exceptions=False
    )

    def lookup(address: str) -> tuple[float, float] | None:
        found: Any = limited(address, exactly_one=True)
        return None if found is None else (float(found.latitude), float(found.longitude))

    return lookup


def geocode_playbook(
    playbook: Playbook,
    cache_path: Path,
    lookup: Callable[[str], tuple[float, float] | None] | None = None,
) -> Playbook:
    """The playbook with every address-only venue located; GeocodeError names those that fail."""
    wanted = [v for v in playbook.venues if v.location is None and v.address]
    if not wanted:
        return playbook
    from geopy.exc import GeopyError

    cache = read_cache(cache_path)
    failed: dict[str, str] = {}
    located: dict[str, tuple[float, float]] = {}
    for venue in wanted:
        key = _key(venue.address or "")
        if key in cache:
            located[venue.id] = (cache[key][0], cache[key][1])
            continue
        if lookup is None:
            lookup = nominatim_lookup()
        try:
            point = lookup(venue.address or "")
        except (GeopyError, OSError) as exc:
            failed[venue.id] = f"geocoder unreachable ({type(exc).__name__})"
            continue
        if point is None:
            failed[venue.id] = f'address not found: "{venue.address}"'
            continue
        located[venue.id] = point
        cache[key] = [point[0], point[1]]
        write_atomic(cache_path, json.dumps(cache, indent=2, sort_keys=True) + "\n")
    if failed:
        lines = "\n".join(f"  {vid}: {why}" for vid, why in failed.items())
        raise GeocodeError(
            "these venues still need coordinates (add location: [lat, lon] to the "
            f"playbook, or plan again with a network):\n{lines}"
        )
    venues = [
        v.model_copy(update={"location": located[v.id]}) if v.id in located else v
        for v in playbook.venues
    ]
    return playbook.model_copy(update={"venues": venues})
