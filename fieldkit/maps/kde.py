"""Quartic-kernel density surface on a regular grid, with default bandwidth and cell rules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_008.8

#: The stated rules, shown in the legend.
BANDWIDTH_RULE = (
    "0.9 × min(SD, √(1/ln 2) × Dm) × n^-0.2 (ArcGIS Kernel Density default, a spatial "
    "Silverman rule: SD standard distance, Dm median distance to the mean centre)"
)
CELL_RULE = "bandwidth / 5 (coarser if the grid would exceed {max_side} cells a side)"
FALLBACK_BANDWIDTH_M = 250.0
MIN_BANDWIDTH_M = 50.0
CELLS_PER_BANDWIDTH = 5
MAX_SIDE = 500


@dataclass(frozen=True)
class LocalProjection:
    """An equirectangular projection in metres about a reference point (fine for a city area)."""

    lat0: float
    lon0: float

    @property
    def _kx(self) -> float:
        return EARTH_RADIUS_M * math.cos(math.radians(self.lat0)) * math.pi / 180.0

    @property
    def _ky(self) -> float:
        return EARTH_RADIUS_M * math.pi / 180.0

    def to_xy(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
        """(n, 2) metres east and north of the reference point."""
        return np.column_stack(((lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky))

    def to_lat_lon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / self._ky, self.lon0 + x / self._kx

    @classmethod
    def about(cls, lat_lon: Sequence[tuple[float, float]]) -> LocalProjection:
        """A projection centred on the middle of the given points (London if there are none)."""
        if not lat_lon:
            return cls(51.5, -0.12)
        lats = [p[0] for p in lat_lon]
        lons = [p[1] for p in lat_lon]
        return cls((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


def default_bandwidth(xy: NDArray[np.float64]) -> float:
    """The search radius in metres by BANDWIDTH_RULE; a fixed fallback for 0 or 1 point."""
    n = len(xy)
    if n < 2:
        return FALLBACK_BANDWIDTH_M
    centre = xy.mean(axis=0)
    dist = np.hypot(xy[:, 0] - centre[0], xy[:, 1] - centre[1])
    sd = math.sqrt(float(np.mean(dist**2)))
    dm = float(np.median(dist))
    radius = 0.9 * min(sd, math.sqrt(1.0 / math.log(2.0)) * dm) * n**-0.2
    if radius <= 0:
        return FALLBACK_BANDWIDTH_M
    return max(radius, MIN_BANDWIDTH_M)


def default_cell_size(bandwidth: float) -> float:
    """The grid cell side in metres by CELL_RULE, before the grid-size cap."""
    return bandwidth / CELLS_PER_BANDWIDTH


@dataclass(frozen=True)
class DensitySurface:
    """Density (points per m²) at cell centres; row 0 is the southern edge."""

    density: NDArray[np.float64]
    x0: float
    y0: float
    cell: float
    bandwidth: float
    projection: LocalProjection
    n_points: int

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.density.shape
        return rows, cols

    def total(self) -> float:
        """The surface integrated over the grid: about the number of points."""
        return float(self.density.sum() * self.cell * self.cell)

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((south, west), (north, east)) of the grid in degrees."""
        rows, cols = self.shape
        south, west = self.projection.to_lat_lon(self.x0, self.y0)
        north, east = self.projection.to_lat_lon(
            self.x0 + cols * self.cell, self.y0 + rows * self.cell
        )
        return (south, west), (north, east)


def quartic_density(
    xy: NDArray[np.float64],
    bandwidth: float,
    cell: float,
    extent: tuple[float, float, float, float],
    projection: LocalProjection,
    max_side: int = MAX_SIDE,
) -> DensitySurface:
    """Sum of quartic kernels K(d) = 3/(π r²) (1 - d²/r²)² at each cell centre of the extent.

    `extent` is (xmin, ymin, xmax, ymax) in metres; it is widened by the bandwidth so every
    kernel lies on the grid. The cell grows if the grid would exceed `max_side` cells a side.
    """
    if bandwidth <= 0 or cell <= 0:
        raise ValueError("bandwidth and cell size must be positive")
    xmin, ymin, xmax, ymax = extent
    xmin, ymin = xmin - bandwidth - cell, ymin - bandwidth - cell
    xmax, ymax = xmax + bandwidth + cell, ymax + bandwidth + cell
    cell = max(cell, (xmax - xmin) / max_side, (ymax - ymin) / max_side)
    cols = max(1, math.ceil((xmax - xmin) / cell))
    rows = max(1, math.ceil((ymax - ymin) / cell))
    grid = np.zeros(rows * cols, dtype=np.float64)
    if len(xy):
        r2 = bandwidth * bandwidth
        norm = 3.0 / (math.pi * r2)
        ci = np.floor((xy[:, 0] - xmin) / cell).astype(np.int64)
        cj = np.floor((xy[:, 1] - ymin) / cell).astype(np.int64)
        reach = math.ceil(bandwidth / cell) + 1
        for dj in range(-reach, reach + 1):
            jj = cj + dj
            dy = ymin + (jj + 0.5) * cell - xy[:, 1]
            for di in range(-reach, reach + 1):
                ii = ci + di
                dx = xmin + (ii + 0.5) * cell - xy[:, 0]
                u = 1.0 - (dx * dx + dy * dy) / r2
                inside = (u > 0) & (ii >= 0) & (ii < cols) & (jj >= 0) & (jj < rows)
                if not inside.any():
                    continue
                flat = jj[inside] * cols + ii[inside]
                grid += np.bincount(flat, weights=norm * u[inside] ** 2, minlength=rows * cols)
    return DensitySurface(
        density=grid.reshape(rows, cols),
        x0=xmin,
        y0=ymin,
        cell=cell,
        bandwidth=bandwidth,
        projection=projection,
        n_points=len(xy),
    )
