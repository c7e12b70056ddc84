"""Bench the hotspot map against a plain folium map (HeatMap + MarkerCluster) of the same points.

Usage: python bench/maps.py [--sizes 1000,10000,100000] [--seed 1] [--out DIR] [--no-baseline]

For each size: analysis time, build time, HTML size and load time in headless Chromium (every
outside request blocked), for fieldkit's map and for the baseline, plus the targets at the
largest size (HTML <= 5 MB, built <= 10 s, loads <= 3 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
from folium.plugins import HeatMap, MarkerCluster

from fieldkit.maps import analyse
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.offline import inline_assets
from fieldkit.maps.render import render_map
from fieldkit.maps.synthetic import synthetic_input

TARGETS = {"html_mb": 5.0, "build_s": 10.0, "load_s": 3.0}


@dataclass
class Row:
    """One measured map."""

    analysis_s: float | None
    build_s: float
    html_mb: float
    load_s: float | None
    load_note: str = ""


def baseline_html(map_input: MapInput) -> str:
    """The plain folium way: every point in a HeatMap and a MarkerCluster, inlined offline."""
    pts = [[e.lat, e.lon] for e in map_input.engagements]
    m = folium.Map(location=pts[0] if pts else [51.6, -0.2], zoom_start=12, tiles=None)
    m.options["max_zoom"] = 18  # MarkerCluster needs it; a tile layer would normally set it
    HeatMap(pts).add_to(m)
    MarkerCluster(locations=pts).add_to(m)
    return inline_assets(m.get_root().render())


def load_time(browser: Any, path: Path, timeout_s: float = 120.0) -> tuple[float | None, str]:
    """Seconds from navigation to the first frame after `load`, outside requests blocked."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        start = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(1)))")
        elapsed = time.perf_counter() - start
        ok = page.evaluate("() => !!document.querySelector('.leaflet-container')")
    except Exception as exc:  # a timeout or a crash is a result too
        page.close()
        return None, f"failed: {type(exc).__name__}"
    page.close()
    note = "" if ok and not errors else f"errors: {errors[:1]}"
    if blocked:
        note += f" blocked {len(blocked)} outside requests"
    return elapsed, note.strip()


def measure(
    sizes: Sequence[int], seed: int, out: Path, baseline: bool
) -> list[tuple[int, Row, Row | None]]:
    # The same headless Chromium, with the same flags, as the browser tests.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.browser import launch

    results = []
    with launch() as browser:
        for n in sizes:
            map_input, _ = synthetic_input(n, seed=seed)
            t0 = time.perf_counter()
            analysis = analyse(map_input)
            t1 = time.perf_counter()
            path = render_map(map_input, analysis, out / f"hotspots-{n}.html")
            t2 = time.perf_counter()
            load, note = load_time(browser, path)
            ours = Row(t1 - t0, t2 - t1, path.stat().st_size / 1e6, load, note)
            base = None
            if baseline:
                t3 = time.perf_counter()
                html = baseline_html(map_input)
                base_path = out / f"baseline-{n}.html"
                base_path.write_text(html, encoding="utf-8")
                t4 = time.perf_counter()
                bload, bnote = load_time(browser, base_path)
                base = Row(None, t4 - t3, base_path.stat().st_size / 1e6, bload, bnote)
            results.append((n, ours, base))
            print(f"  measured {n:,}", file=sys.stderr, flush=True)
        browser.close()
    return results


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def table(results: list[tuple[int, Row, Row | None]]) -> str:
    head = (
        "| engagements | analysis s | build s | HTML MB | load s "
        "| baseline build s | baseline HTML MB | baseline load s | size ratio | load ratio |"
    )
    lines = [head, "|" + "---|" * 10]
    for n, ours, base in results:
        b = base or Row(None, float("nan"), float("nan"), None)
        size_ratio = f"{ours.html_mb / b.html_mb:.3f}" if base else "-"
        load_ratio = f"{ours.load_s / b.load_s:.2f}" if base and ours.load_s and b.load_s else "-"
        lines.append(
            f"| {n:,} | {_s(ours.analysis_s)} | {ours.build_s:.2f} | {ours.html_mb:.2f} "
            f"| {_s(ours.load_s)} | {_s(base.build_s if base else None)} "
            f"| {_s(base.html_mb if base else None)} | {_s(b.load_s)} "
            f"| {size_ratio} | {load_ratio} |"
        )
    notes = [
        f"{n:,}: {who} {row.load_note}"
        for n, ours, base in results
        for who, row in (("fieldkit", ours), ("baseline", base))
        if row is not None and row.load_note
    ]
    return "\n".join(lines + notes)


def verdict(results: list[tuple[int, Row, Row | None]]) -> str:
    n, ours, _ = max(results, key=lambda r: r[0])
    checks = [
        ("HTML", ours.html_mb, TARGETS["html_mb"], "MB"),
        ("built", (ours.analysis_s or 0) + ours.build_s, TARGETS["build_s"], "s"),
        ("loads", ours.load_s if ours.load_s is not None else float("inf"), TARGETS["load_s"], "s"),
    ]
    parts = [
        f"{name} {value:.2f} {unit} (target <= {target:g}: {'ok' if value <= target else 'MISSED'})"
        for name, value, target, unit in checks
    ]
    return f"targets at {n:,}: " + "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    out = args.out or Path(tempfile.mkdtemp(prefix="fieldkit-bench-maps-"))
    out.mkdir(parents=True, exist_ok=True)
    results = measure(sizes, args.seed, out, baseline=not args.no_baseline)
    print(table(results))
    print(verdict(results))
    print(f"maps written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
