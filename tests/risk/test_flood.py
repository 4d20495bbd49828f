"""The HAND river-flood model: Gumbel discharge, rating curve, depth above drainage, and the
event set of one depth map per return period."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pyproj import CRS
from rasterio.transform import from_origin

from bordercompact.risk.flood import (
    flood_depth,
    gumbel_discharge,
    hand_flood_hazard,
    rating_stage,
    read_hand,
)
from bordercompact.risk.hazard import Hazard, HazardError, RasterGrid
from tests.rasters import write_geotiff

NODATA = -9999.0
# 2 rows × 3 columns of 100 m cells in UTM 14N; one cell without data
HAND = np.array([[0.0, 0.5, 1.0], [2.0, NODATA, 5.0]], dtype="float32")
TRANSFORM = from_origin(500_000, 3_046_000, 100, 100)


def write_hand(path: Path, cells: np.ndarray = HAND) -> Path:
    return write_geotiff(path, cells, TRANSFORM, nodata=NODATA)


def test_the_100_year_gumbel_discharge_by_hand() -> None:
    # 1000 − 300 · ln(−ln(0.99)) = 1000 − 300 · (−4.600149) = 2380.045
    assert gumbel_discharge(100.0, 1000.0, 300.0) == pytest.approx(2380.0448, rel=1e-7)


def test_the_2_year_gumbel_discharge_is_the_median_annual_maximum() -> None:
    # 1000 − 300 · ln(ln 2) = 1000 + 300 · 0.366513 = 1109.954
    assert gumbel_discharge(2.0, 1000.0, 300.0) == pytest.approx(1109.9539, rel=1e-7)


def test_gumbel_discharges_of_several_return_periods_grow_with_the_period() -> None:
    discharge = gumbel_discharge(np.array([2.0, 10.0, 100.0, 1000.0]), 1000.0, 300.0)
    assert discharge.shape == (4,)
    assert np.all(np.diff(discharge) > 0)


@pytest.mark.parametrize("period", [1.0, 0.5, 0.0, -10.0])
def test_a_return_period_of_a_year_or_less_is_refused(period: float) -> None:
    with pytest.raises(HazardError, match=r"expected years > 1"):
        gumbel_discharge(np.array([10.0, period]), 1000.0, 300.0)


def test_the_stage_of_the_reference_discharge_is_zero() -> None:
    assert rating_stage(250.0, 0.3, 0.6, reference_discharge_m3s=250.0) == pytest.approx(0.0)


def test_the_stage_is_the_power_law_above_the_reference_stage() -> None:
    # 0.5 · (400^0.5 − 100^0.5) = 0.5 · (20 − 10) = 5 m
    assert rating_stage(400.0, 0.5, 0.5, reference_discharge_m3s=100.0) == pytest.approx(5.0)
    # without a reference discharge: 0.5 · 400^0.5 = 10 m
    assert rating_stage(400.0, 0.5, 0.5) == pytest.approx(10.0)


def test_a_negative_discharge_counts_as_no_flow() -> None:
    assert rating_stage(np.array([-5.0]), 0.5, 0.5) == pytest.approx([0.0])


def test_a_discharge_below_the_reference_floods_nothing() -> None:
    # 0.5 · (50^0.5 − 100^0.5) = 0.5 · (7.07 − 10) = −1.46 m: below the drainage level
    stage = float(rating_stage(50.0, 0.5, 0.5, reference_discharge_m3s=100.0))
    assert stage == pytest.approx(-1.4645, abs=1e-4)
    assert flood_depth(stage, np.array([0.0, 0.5])) == pytest.approx([0.0, 0.0])


def test_the_depth_is_the_stage_above_the_hand() -> None:
    # stage 1.5 m: 1.5 − 0, 1.5 − 0.5, 1.5 − 1, and nothing where HAND ≥ stage
    hand = np.array([0.0, 0.5, 1.0, 1.5, 3.0])
    assert flood_depth(1.5, hand) == pytest.approx([1.5, 1.0, 0.5, 0.0, 0.0])


def test_cells_without_hand_stay_dry() -> None:
    assert flood_depth(2.0, np.array([np.nan, 1.0])) == pytest.approx([0.0, 1.0])


def test_cells_higher_than_max_hand_stay_dry_even_under_the_stage() -> None:
    # stage 5 m would flood HAND 4 m by 1 m, but 4 m is above max_hand_m = 3 m
    depth = flood_depth(5.0, np.array([1.0, 3.0, 4.0]), max_hand_m=3.0)
    assert depth == pytest.approx([4.0, 2.0, 0.0])


def test_read_hand_gives_the_cells_and_the_grid(tmp_path: Path) -> None:
    hand, grid, below = read_hand(write_hand(tmp_path / "hand.tif"))
    assert below == 0
    assert (grid.width, grid.height) == (3, 2)
    assert grid.transform.almost_equals(TRANSFORM)
    assert grid.crs.equals(CRS.from_epsg(32614))
    np.testing.assert_array_equal(hand, [[0.0, 0.5, 1.0], [2.0, np.nan, 5.0]])


def test_negative_hand_cells_are_taken_at_the_drainage_level_and_counted(
    tmp_path: Path,
) -> None:
    # pits of the terrain model lie below their drainage: HAND −0.25 and −3 become 0
    cells = HAND.copy()
    cells[0, 1] = -3.0
    cells[1, 2] = -0.25
    hand, _, below = read_hand(write_hand(tmp_path / "hand.tif", cells))
    assert below == 2
    np.testing.assert_array_equal(hand, [[0.0, 0.0, 1.0], [2.0, np.nan, 0.0]])


def test_a_hand_raster_without_crs_is_refused(tmp_path: Path) -> None:
    path = write_geotiff(tmp_path / "hand.tif", np.zeros((1, 1)), TRANSFORM, crs=None)
    with pytest.raises(HazardError, match="no coordinate reference system"):
        read_hand(path)


def _hazard_of_the_small_raster(tmp_path: Path, **options: float) -> Hazard:
    hand, grid, _ = read_hand(write_hand(tmp_path / "hand.tif"))
    return hand_flood_hazard(hand, grid, np.array([10.0, 100.0]), np.array([1.0, 2.5]), **options)


def test_one_flood_event_per_return_period_by_hand(tmp_path: Path) -> None:
    hazard = _hazard_of_the_small_raster(tmp_path)
    assert (hazard.haz_type, hazard.units, hazard.scenario) == ("FL", "m", "present")
    np.testing.assert_array_equal(hazard.event_id, [1, 2])
    assert list(hazard.event_name) == ["RP10", "RP100"]
    # 1/10 − 1/100 and 1/100
    assert hazard.frequency == pytest.approx([0.09, 0.01])
    # HAND 0, 0.5, 1, 2, nodata, 5 under stages 1 m and 2.5 m
    np.testing.assert_allclose(
        hazard.intensity.toarray(),
        [[1.0, 0.5, 0.0, 0.0, 0.0, 0.0], [2.5, 2.0, 1.5, 0.5, 0.0, 0.0]],
    )


def test_the_flood_hazard_stores_no_dry_cells(tmp_path: Path) -> None:
    hazard = _hazard_of_the_small_raster(tmp_path)
    # wet cells: 2 at 1 m, 4 at 2.5 m
    assert hazard.intensity.nnz == 6


def test_the_flood_hazard_keeps_the_grid_of_the_hand_raster(tmp_path: Path) -> None:
    hand, grid, _ = read_hand(write_hand(tmp_path / "hand.tif"))
    hazard = hand_flood_hazard(hand, grid, np.array([10.0]), np.array([1.0]))
    assert hazard.grid == grid
    assert hazard.centroids.size == 6
    expected = grid.centroids()
    np.testing.assert_allclose(hazard.centroids.lon, expected.lon)
    np.testing.assert_allclose(hazard.centroids.lat, expected.lat)


def test_max_hand_keeps_high_cells_dry_in_every_event(tmp_path: Path) -> None:
    hazard = _hazard_of_the_small_raster(tmp_path, max_hand_m=1.5)
    # the cell of HAND 2 m would take 0.5 m in the 100-year event
    np.testing.assert_allclose(hazard.intensity.toarray()[:, 3], [0.0, 0.0])


def test_a_scenario_name_is_carried_to_the_hazard(tmp_path: Path) -> None:
    hand, grid, _ = read_hand(write_hand(tmp_path / "hand.tif"))
    hazard = hand_flood_hazard(hand, grid, np.array([10.0]), np.array([1.0]), scenario="rcp85-2050")
    assert hazard.scenario == "rcp85-2050"


@pytest.mark.parametrize("seed", range(5))
def test_depths_never_decrease_with_the_return_period(seed: int) -> None:
    rng = np.random.default_rng(seed)
    hand = rng.uniform(0.0, 8.0, (4, 5))
    hand.ravel()[rng.integers(0, hand.size, 3)] = np.nan
    grid = RasterGrid(CRS.from_epsg(32614), TRANSFORM, 5, 4)
    periods = np.sort(rng.choice(np.arange(2, 1001), size=4, replace=False)).astype(float)
    discharge = gumbel_discharge(periods, rng.uniform(200, 2000), rng.uniform(50, 500))
    stages = rating_stage(discharge, rng.uniform(0.05, 0.5), 0.6, rng.uniform(0, 200))
    hazard = hand_flood_hazard(hand, grid, periods, stages, max_hand_m=6.0)
    depth = hazard.intensity.toarray()
    assert np.all(np.diff(depth, axis=0) >= 0)
    assert hazard.frequency.sum() == pytest.approx(1.0 / periods[0])
