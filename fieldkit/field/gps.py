"""Where the officer stands: a fix from gpsd (the Linux GPS daemon) when a receiver is attached."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from fieldkit.field.draft import Draft

#: Where gpsd listens, as host:port (port 2947 when left out); unset, the device uses no GPS.
GPSD_ENV = "FIELDKIT_GPSD"
GPSD_PORT = 2947
#: How long a save waits for gpsd's first fix before using the venue's position.
FIX_WAIT_S = 2.0
#: Where a record's position came from: the receiver, or the venue it names.
GPS, VENUE = "gps", "venue"


@dataclass(frozen=True)
class Fix:
    """A position from the receiver: latitude, longitude and its horizontal accuracy (metres)."""

    lat: float
    lon: float
    accuracy_m: float | None
    mode: int

    def text(self) -> str:
        accuracy = f" ±{self.accuracy_m:.0f} m" if self.accuracy_m is not None else ""
        return f"GPS {self.mode}D fix{accuracy}"


@dataclass(frozen=True)
class FixState:
    """What the receiver gave on the last look: a fix, or why there is none (in plain words)."""

    fix: Fix | None
    why_not: str | None = None
    configured: bool = True

    def text(self) -> str:
        if self.fix is not None:
            return self.fix.text()
        return f"GPS: {self.why_not}"


def gpsd_address(env: dict[str, str] | None = None) -> tuple[str, int] | None:
    """(host, port) from FIELDKIT_GPSD, None when unset; ValueError naming a bad value."""
    value = (env if env is not None else dict(os.environ)).get(GPSD_ENV, "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":") if ":" in value else (value, "", str(GPSD_PORT))
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{GPSD_ENV}={value!r} is not host:port (e.g. 127.0.0.1:2947)")
    return host, int(port)


def _fix_of(report: dict[str, object]) -> Fix | None:
    """A TPV report's fix, if it has one (mode 2 or 3 with a finite position)."""
    mode, lat, lon = report.get("mode"), report.get("lat"), report.get("lon")
    if not isinstance(mode, int) or mode < 2:
        return None
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    errors = [report.get(k) for k in ("eph", "epx", "epy")]
    found = [float(e) for e in errors if isinstance(e, int | float) and math.isfinite(e) and e >= 0]
    accuracy = found[0] if report.get("eph") in found else (max(found) if found else None)
    return Fix(float(lat), float(lon), accuracy, mode)


def read_fix(address: tuple[str, int], wait_s: float | None = None) -> FixState:
    """The first fix gpsd reports within `wait_s` seconds (FIX_WAIT_S), or why there is none;
    never hangs."""
    from gpsdclient import GPSDClient

    wait_s = FIX_WAIT_S if wait_s is None else wait_s
    host, port = address
    deadline = time.monotonic() + wait_s
    last_mode: object = None
    try:
        with GPSDClient(host, port, timeout=wait_s) as client:
            for report in client.dict_stream(convert_datetime=False, filter=["TPV"]):
                if not isinstance(report, dict):
                    continue
                fix = _fix_of(report)
                if fix is not None:
                    return FixState(fix)
                last_mode = report.get("mode")
                if time.monotonic() > deadline:
                    break
    except (OSError, ValueError) as exc:  # refused, timed out, not gpsd, a broken report
        if last_mode is None:
            reason = "no answer" if isinstance(exc, TimeoutError) else "cannot read"
            return FixState(None, f"{reason} from gpsd at {host}:{port} ({type(exc).__name__})")
    if last_mode is None:
        return FixState(None, f"no position report from gpsd at {host}:{port}")
    return FixState(None, "no fix yet (the receiver sees too few satellites)")


def current_fix(env: dict[str, str] | None = None, wait_s: float | None = None) -> FixState:
    """The fix from the gpsd FIELDKIT_GPSD names, or why there is none (unset: GPS is off)."""
    try:
        address = gpsd_address(env)
    except ValueError as exc:
        return FixState(None, str(exc))
    if address is None:
        return FixState(None, f"off ({GPSD_ENV} not set)", configured=False)
    return read_fix(address, wait_s)


def place(draft: Draft, state: FixState) -> Draft:
    """Where a new engagement was logged: the fix if there is one, else the venue's position.

    A position the officer typed is kept as given (no source is claimed for it).
    """
    if draft.lat is not None or draft.lon is not None:
        return draft
    if state.fix is not None:
        fix = state.fix
        return draft.update(
            lat=fix.lat, lon=fix.lon, accuracy_m=fix.accuracy_m, position_source=GPS
        )
    if draft.venue is not None:
        return draft.update(position_source=VENUE)
    return draft
