"""Assets on a raster hazard: the cell each asset stands in, for projected and geographic
grids, and the grid's cells as centroids."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS, Transformer
from rasterio.transform import from_origin

from bordercompact.risk.exposure import NO_CENTROID, Exposures, assign_raster_cells
from bordercompact.risk.hazard import RasterGrid

LAEA = CRS.from_epsg(3035)
# 3 columns × 2 rows of 1 km cells near the centre of Europe's equal-area projection
PROJECTED = RasterGrid(LAEA, from_origin(4_000_000, 3_000_000, 1000, 1000), 3, 2)
# 3 columns × 2 rows of 0.1° cells, north-west corner at 7° E, 48° N
GEOGRAPHIC = RasterGrid(CRS.from_epsg(4326), from_origin(7.0, 48.0, 0.1, 0.1), 3, 2)


def lon_lat_of(x: list[float], y: list[float], crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def assets_at(lon: np.ndarray, lat: np.ndarray) -> Exposures:
    n = len(lon)
    return Exposures(
        asset_id=np.arange(n),
        lat=np.asarray(lat, dtype=np.float64),
        lon=np.asarray(lon, dtype=np.float64),
        value=np.ones(n),
        impf_id=np.ones(n, dtype=np.int64),
        party=np.array(["north"] * n, dtype=object),
    )


def test_cells_of_points_in_a_projected_grid() -> None:
    # (x, y) in EPSG:3035: column (x − 4,000,000) // 1000, row (3,000,000 − y) // 1000
    lon, lat = lon_lat_of(
        [4_000_100, 4_001_500, 4_002_900, 4_002_250, 3_999_500, 4_001_500],
        [2_999_900, 2_999_500, 2_999_100, 2_998_250, 2_999_500, 2_997_500],
        LAEA,
    )
    # row 0 col 0; row 0 col 1; row 0 col 2; row 1 col 2; west of the grid; south of it
    cells = PROJECTED.cells_at(lon, lat)
    np.testing.assert_array_equal(cells, [0, 1, 2, 5, -1, -1])


def test_cells_of_points_in_a_geographic_grid() -> None:
    lon = np.array([7.05, 7.15, 7.25, 7.25, 6.95, 7.15, 7.31])
    lat = np.array([47.95, 47.95, 47.95, 47.85, 47.95, 48.01, 47.85])
    # row 0 col 0, 1, 2; row 1 col 2; west, north and east of the grid
    np.testing.assert_array_equal(GEOGRAPHIC.cells_at(lon, lat), [0, 1, 2, 5, -1, -1, -1])


def test_a_point_on_the_north_west_corner_is_in_the_first_cell() -> None:
    # the grid's edges on the north and west belong to it, those on the south and east not
    cells = GEOGRAPHIC.cells_at(np.array([7.0, 7.3]), np.array([48.0, 47.9]))
    np.testing.assert_array_equal(cells, [0, -1])


def test_a_point_without_coordinates_is_outside_every_grid() -> None:
    np.testing.assert_array_equal(GEOGRAPHIC.cells_at(np.array([np.nan]), np.array([48.0])), [-1])


def test_the_centroids_of_a_geographic_grid_are_its_cell_centres_row_by_row() -> None:
    centroids = GEOGRAPHIC.centroids()
    np.testing.assert_array_equal(centroids.centroid_id, np.arange(6))
    np.testing.assert_allclose(centroids.lon, [7.05, 7.15, 7.25] * 2)
    np.testing.assert_allclose(centroids.lat, [47.95] * 3 + [47.85] * 3)


def test_the_centroids_of_a_projected_grid_are_its_cell_centres_in_lon_lat() -> None:
    centroids = PROJECTED.centroids()
    lon, lat = lon_lat_of(
        [4_000_500, 4_001_500, 4_002_500] * 2, [2_999_500] * 3 + [2_998_500] * 3, LAEA
    )
    np.testing.assert_allclose(centroids.lon, lon)
    np.testing.assert_allclose(centroids.lat, lat)


@pytest.mark.parametrize("grid", [PROJECTED, GEOGRAPHIC], ids=["EPSG:3035", "EPSG:4326"])
def test_each_centroid_lies_in_its_own_cell(grid: RasterGrid) -> None:
    centroids = grid.centroids()
    np.testing.assert_array_equal(
        grid.cells_at(centroids.lon, centroids.lat), centroids.centroid_id
    )


def test_assets_get_the_cell_they_stand_in_and_the_distance_to_its_centre() -> None:
    # the centre of cell 1, 300 m east and 400 m south of the centre of cell 5, outside
    lon, lat = lon_lat_of(
        [4_001_500, 4_002_800, 4_004_000], [2_999_500, 2_998_100, 2_999_500], LAEA
    )
    assignment = assign_raster_cells(assets_at(lon, lat), PROJECTED, PROJECTED.centroids())
    np.testing.assert_array_equal(assignment.centroid, [1, 5, NO_CENTROID])
    # √(300² + 400²) = 500 m; the equal-area projection distorts little this near its centre
    assert assignment.distance_m[:2] == pytest.approx([0.0, 500.0], abs=2.0)
    assert assignment.distance_m[2] == np.inf
    assert assignment.beyond == 1


def test_assets_in_a_geographic_grid_get_their_cell() -> None:
    lon = np.array([7.05, 7.28, 8.0])
    lat = np.array([47.95, 47.81, 47.9])
    assignment = assign_raster_cells(assets_at(lon, lat), GEOGRAPHIC, GEOGRAPHIC.centroids())
    np.testing.assert_array_equal(assignment.centroid, [0, 5, NO_CENTROID])
    assert assignment.distance_m[0] == pytest.approx(0.0, abs=1e-6)
    # 0.03° east and 0.04° south of the centre (7.25, 47.85): about 2.2 km and 4.4 km
    assert 4_000 < assignment.distance_m[1] < 5_500


def test_the_maximum_distance_is_the_farthest_asset_inside_the_grid() -> None:
    lon, lat = lon_lat_of([4_001_500, 4_002_800], [2_999_500, 2_998_100], LAEA)
    assignment = assign_raster_cells(assets_at(lon, lat), PROJECTED, PROJECTED.centroids())
    assert assignment.max_distance_m == pytest.approx(500.0, abs=2.0)


def test_assets_all_outside_the_grid_are_all_beyond() -> None:
    assignment = assign_raster_cells(
        assets_at(np.array([0.0, 1.0]), np.array([0.0, 1.0])),
        GEOGRAPHIC,
        GEOGRAPHIC.centroids(),
    )
    np.testing.assert_array_equal(assignment.centroid, [NO_CENTROID, NO_CENTROID])
    assert assignment.beyond == 2
    assert assignment.max_distance_m == 0.0
