"""Getis-Ord Gi* on H3 hex cells: z-scores, p-values, hot/cold classes, optional FDR correction."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import h3
import numpy as np
from numpy.typing import NDArray

RESOLUTION_RULE = (
    "the H3 resolution whose average hexagon edge is closest to half the KDE bandwidth "
    "(between {lo} and {hi}), coarser if the study area would exceed {max_cells} cells"
)
MIN_RESOLUTION = 6
MAX_RESOLUTION = 10
MAX_CELLS = 20_000

#: Classes from hottest to coldest, with the two-sided p-value bound of each confidence level.
LEVELS = ((99, 0.01), (95, 0.05), (90, 0.10))
CLASSES = ("hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99")


def gi_star(
    values: NDArray[np.float64], neighbours: Sequence[Sequence[int]]
) -> NDArray[np.float64]:
    """Gi* z-scores with binary weights; each neighbour list must include the cell itself.

    z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n S1_i − W_i²) / (n − 1))), with W_i = Σ_j w_ij,
    S1_i = Σ_j w_ij² (= W_i for binary weights) and S the population standard deviation
    (Getis & Ord 1992; Ord & Getis 1995). A constant variable gives z = 0 everywhere.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    z = np.zeros(n, dtype=np.float64)
    if n < 2:
        return z
    mean = float(x.mean())
    s = math.sqrt(max(float((x * x).mean()) - mean * mean, 0.0))
    if s == 0.0:
        return z
    for i, nb in enumerate(neighbours):
        w = len(nb)
        lag = float(x[list(nb)].sum())
        spread = (n * w - w * w) / (n - 1)
        if spread <= 0:
            continue  # every cell is a neighbour: nothing to compare against
        z[i] = (lag - mean * w) / (s * math.sqrt(spread))
    return z


def two_sided_p(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided p-values of standard normal z-scores."""
    return np.array([math.erfc(abs(float(v)) / math.sqrt(2.0)) for v in z], dtype=np.float64)


def benjamini_hochberg(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (q-values), capped at 1."""
    m = len(p)
    if m == 0:
        return np.asarray(p, dtype=np.float64)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m, dtype=np.float64)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def classify(z: float, p: float) -> str:
    """hot_99 ... cold_99 or not_significant, from a z-score and its (possibly adjusted) p."""
    for confidence, bound in LEVELS:
        if p <= bound and z != 0:
            return f"{'hot' if z > 0 else 'cold'}_{confidence}"
    return "not_significant"


@dataclass(frozen=True)
class HexCell:
    """One H3 cell of the study area with its count and Gi* result."""

    cell: str
    count: int
    z: float
    p: float
    q: float | None
    klass: str

    @property
    def boundary(self) -> tuple[tuple[float, float], ...]:
        return tuple(h3.cell_to_boundary(self.cell))


@dataclass(frozen=True)
class HexHotspots:
    """Gi* over the study area's cells at one resolution."""

    resolution: int
    edge_m: float
    fdr: bool
    cells: tuple[HexCell, ...]

    def by_class(self) -> Counter[str]:
        return Counter(c.klass for c in self.cells)

    def hot(self) -> list[HexCell]:
        """Hot cells, strongest first."""
        return sorted((c for c in self.cells if c.klass.startswith("hot")), key=lambda c: -c.z)


def edge_length_m(resolution: int) -> float:
    return float(h3.average_hexagon_edge_length(resolution, unit="m"))


def default_resolution(bandwidth_m: float) -> int:
    """The resolution by RESOLUTION_RULE (before the cell-count cap)."""
    target = bandwidth_m / 2.0
    candidates = range(MIN_RESOLUTION, MAX_RESOLUTION + 1)
    return min(candidates, key=lambda r: abs(math.log(edge_length_m(r) / target)))


def study_cells(
    occupied: Sequence[str], outline: Sequence[tuple[float, float]] | None, resolution: int
) -> list[str]:
    """The cells Gi* compares: those inside the area outline (or the points' bounding box).

    An occupied cell outside the area is added too; if it is detached from the area (an
    airport beyond the borough, say) its ring of neighbours comes with it, so it is compared
    with its surroundings rather than standing alone. Empty cells outside the area are left
    out otherwise: they were never patrolled, so they would read as false cold spots.
    """
    if not outline and occupied:
        lats, lons = zip(*(h3.cell_to_latlng(c) for c in occupied), strict=True)
        outline = (
            (min(lats), min(lons)),
            (max(lats), min(lons)),
            (max(lats), max(lons)),
            (min(lats), max(lons)),
        )
    area: set[str] = set()
    if outline:
        area.update(h3.polygon_to_cells(h3.LatLngPoly(list(outline)), resolution))
    cells = set(area)
    for cell in occupied:
        if cell in area:
            continue
        ring = set(h3.grid_disk(cell, 1))
        cells.add(cell)
        if not ring & area:
            cells.update(ring)
    return sorted(cells)


def hex_hotspots(
    lat_lon: Sequence[tuple[float, float]],
    outline: Sequence[tuple[float, float]] | None,
    resolution: int,
    fdr: bool = False,
    max_cells: int = MAX_CELLS,
) -> HexHotspots:
    """Count points per H3 cell and class each study cell by Gi* (k-ring 1 incl. itself)."""
    while True:
        counts = Counter(h3.latlng_to_cell(lat, lon, resolution) for lat, lon in lat_lon)
        cells = study_cells(list(counts), outline, resolution)
        if len(cells) <= max_cells or resolution <= 0:
            break
        resolution -= 1
    index = {cell: i for i, cell in enumerate(cells)}
    values = np.array([counts.get(cell, 0) for cell in cells], dtype=np.float64)
    neighbours = [[index[nb] for nb in h3.grid_disk(cell, 1) if nb in index] for cell in cells]
    z = gi_star(values, neighbours)
    p = two_sided_p(z)
    q = benjamini_hochberg(p) if fdr else None
    out = []
    for i, cell in enumerate(cells):
        decisive = float(q[i]) if q is not None else float(p[i])
        out.append(
            HexCell(
                cell=cell,
                count=int(values[i]),
                z=float(z[i]),
                p=float(p[i]),
                q=None if q is None else float(q[i]),
                klass=classify(float(z[i]), decisive),
            )
        )
    return HexHotspots(
        resolution=resolution, edge_m=edge_length_m(resolution), fdr=fdr, cells=tuple(out)
    )
