"""The headless hotspot analysis: Gi* against a published example, the kernel, planted clusters."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import h3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.maps import EngagementPoint, MapInput, MapInputError, PlannedVisit, VenueInfo, analyse
from fieldkit.maps.gistar import benjamini_hochberg, classify, gi_star, two_sided_p
from fieldkit.maps.kde import LocalProjection, default_bandwidth, quartic_density
from fieldkit.maps.synthetic import synthetic_input

# PySAL esda, esda/getisord.py, G_Local docstring: six points, DistanceBand(threshold=15),
# binary weights, G_Local(y, w, transform="B", star=True).Zs
ESDA_POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = [2, 3, 3.2, 5, 8, 7]
ESDA_GI_STAR_Z = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]


def test_gi_star_reproduces_the_esda_g_local_example() -> None:
    # DistanceBand keeps pairs at distance <= threshold; Gi* adds each point to its own set
    neighbours = [
        [j for j, q in enumerate(ESDA_POINTS) if math.dist(p, q) <= 15] for p in ESDA_POINTS
    ]
    z = gi_star(np.array(ESDA_Y, dtype=float), neighbours)
    assert np.round(z, 4).tolist() == np.round(ESDA_GI_STAR_Z, 4).tolist()


def test_gi_star_of_a_constant_variable_is_zero() -> None:
    z = gi_star(np.ones(5), [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4]])
    assert z.tolist() == [0.0] * 5


def test_p_values_and_classes() -> None:
    p = two_sided_p(np.array([0.0, 1.6448536, 1.959964, 2.5758293]))
    assert np.allclose(p, [1.0, 0.10, 0.05, 0.01], atol=1e-6)
    assert classify(2.6, 0.009) == "hot_99"
    assert classify(-2.0, 0.045) == "cold_95"
    assert classify(1.7, 0.09) == "hot_90"
    assert classify(1.0, 0.3) == "not_significant"


def test_benjamini_hochberg_matches_a_hand_worked_example() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.005]))
    assert np.allclose(q, [0.02, 0.04, 0.04, 0.02])


def test_default_bandwidth_follows_the_stated_rule() -> None:
    # four points 1 km from their centre: SD = Dm = 1000 m, so r = 0.9 * 1000 * 4 ** -0.2
    xy = np.array([[1000.0, 0], [-1000, 0], [0, 1000], [0, -1000]])
    assert default_bandwidth(xy) == pytest.approx(0.9 * 1000 * 4**-0.2)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=60),
    seed=st.integers(min_value=0, max_value=10_000),
    bandwidth=st.floats(min_value=80, max_value=1500),
)
def test_quartic_kernel_integrates_to_the_number_of_points(
    n: int, seed: int, bandwidth: float
) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-3000, 3000, size=(n, 2))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    extent = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
    surface = quartic_density(xy, bandwidth, bandwidth / 5, extent, LocalProjection(51.6, -0.2))
    assert surface.total() == pytest.approx(n, rel=0.01)


def test_one_kernel_peaks_at_three_over_pi_r_squared() -> None:
    xy = np.array([[0.0, 0.0]])
    surface = quartic_density(xy, 500, 100, (0, 0, 0, 0), LocalProjection(51.6, -0.2))
    assert surface.total() == pytest.approx(1, rel=0.01)
    peak = surface.density.max()
    assert peak == pytest.approx(3 / (math.pi * 500**2), rel=0.05)


def _cell_class(analysis_cells: dict[str, str], lat: float, lon: float, res: int) -> str:
    return analysis_cells[h3.latlng_to_cell(lat, lon, res)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_planted_clusters_come_out_as_hot_cells(seed: int) -> None:
    map_input, planted = synthetic_input(
        600, seed=seed, clusters=3, cluster_share=0.3, cluster_radius_m=200
    )
    plain = analyse(map_input)
    assert plain.hotspots is not None
    classes = {c.cell: c.klass for c in plain.hotspots.cells}
    res = plain.hotspots.resolution
    assert [_cell_class(classes, p.lat, p.lon, res) for p in planted] == ["hot_99"] * 3
    corrected = analyse(map_input, fdr=True)
    assert corrected.hotspots is not None
    hot = corrected.hotspots.hot()
    assert hot, "FDR correction removed every planted cluster"
    for cell in hot:
        lat, lon = h3.cell_to_latlng(cell.cell)
        nearest = min(
            math.hypot((lat - p.lat) * 111_195, (lon - p.lon) * 111_195 * 0.62) for p in planted
        )
        assert nearest < 2000, f"hot cell {cell.cell} is {nearest:.0f} m from every cluster"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_uniform_noise_gives_no_hot_spots_after_fdr(seed: int) -> None:
    # About two in three synthetic engagements record a sign: ~600 counted points.
    map_input, planted = synthetic_input(900, seed=seed, clusters=0)
    assert planted == []
    analysis = analyse(map_input, fdr=True)
    assert analysis.hotspots is not None
    counts = analysis.hotspots.by_class()
    assert counts["hot_99"] == 0
    hot = sum(n for k, n in counts.items() if k.startswith("hot"))
    assert hot <= 0.01 * len(analysis.hotspots.cells)


def _moment(day: int, hour: int) -> datetime:
    return datetime(2023, 9, day, hour, tzinfo=UTC)


def _engagement(i: str, when: datetime, venue: str | None = "v1") -> EngagementPoint:
    return EngagementPoint(
        id=i,
        lat=51.60,
        lon=-0.20,
        when=when,
        day=when.date(),
        venue_id=venue,
        venue_type="brothel",
        team="alpha",
        people=2,
        indicators=("under_control",),
        outcomes=("nrm_referral", "leaflet_given"),
        partners=("anitp",),
    )


def _input(engagements: tuple[EngagementPoint, ...]) -> MapInput:
    venue = VenueInfo("v1", "Pop-up address", "brothel", 51.60, -0.20)
    visits = (
        PlannedVisit("a", "v1", "alpha", _moment(18, 19), _moment(18, 21)),
        PlannedVisit("b", "v1", "alpha", _moment(19, 19), _moment(19, 21)),
        PlannedVisit("c", "v1", "bravo", _moment(20, 19), _moment(20, 21), done=True),
    )
    return MapInput(
        operation_id="op",
        operation_name="Op",
        period=(date(2023, 9, 18), date(2023, 9, 24)),
        timezone="Europe/London",
        area_outline=((51.55, -0.3), (51.67, -0.3), (51.67, -0.12)),
        venues=(venue,),
        visits=visits,
        engagements=engagements,
        as_of=_moment(25, 9),
    )


def test_coverage_and_venue_tallies() -> None:
    analysis = analyse(_input((_engagement("e1", _moment(18, 20) + timedelta(minutes=30)),)))
    tally = analysis.venues["v1"]
    assert (tally.planned, tally.done, tally.engagements, tally.people) == (3, 2, 1, 2)
    assert dict(tally.referrals) == {"nrm_referral": 1}
    assert dict(tally.indicators) == {"under_control": 1}
    assert [v.visit_id for v in analysis.missed_visits] == ["b"]


def test_empty_input_analyses_to_nothing_but_coverage() -> None:
    analysis = analyse(_input(()))
    assert analysis.empty
    assert analysis.surface is None and analysis.hotspots is None
    assert [v.visit_id for v in analysis.missed_visits] == ["a", "b"]


def test_engagements_carry_no_names_or_notes() -> None:
    fields = set(EngagementPoint.__dataclass_fields__)
    assert not fields & {"notes", "note", "name", "names"}


def test_bad_input_is_a_user_error() -> None:
    with pytest.raises(MapInputError, match="no time zone"):
        _engagement("e1", datetime(2023, 9, 18, 20))
    with pytest.raises(MapInputError, match="not a valid latitude"):
        VenueInfo("v", "V", "church", 95.0, 0.0)
    with pytest.raises(MapInputError, match="unknown venue"):
        MapInput(
            operation_id="op",
            operation_name="Op",
            period=(date(2023, 9, 18), date(2023, 9, 24)),
            timezone="UTC",
            area_outline=None,
            venues=(),
            visits=(PlannedVisit("a", "nowhere", None, _moment(18, 1), _moment(18, 2)),),
            engagements=(),
            as_of=_moment(25, 9),
        )
