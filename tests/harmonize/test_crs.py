"""Reprojection: party CRSs (US feet, Mexican ITRF2008, lon/lat) to the analysis CRS."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from bordercompact.harmonize.crs import (
    analysis_crs_problem,
    describe_reprojection,
    outside_area_of_use,
)
from bordercompact.region.problems import ProblemLog


def test_state_plane_false_origin_is_the_projection_origin() -> None:
    # NAD83 / Texas South (ftUS): false easting 984,250 ftUS and false northing
    # 16,404,166.667 ftUS at the origin 25°40'N, 98°30'W (EPSG:2279 parameters).
    # NAD83 → WGS 84 is the null transformation EPSG:1188 (stated accuracy 4 m).
    to_lonlat = pyproj.Transformer.from_crs("EPSG:2279", "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(984_250.0, 16_404_166.666667)
    assert lon == pytest.approx(-98.5, abs=1e-7)
    assert lat == pytest.approx(25 + 40 / 60, abs=1e-7)


def test_reprojection_names_the_operation_with_its_datum_shift() -> None:
    # a point of Ciudad Ribera's side of the demo region, in Mexican LCC metres
    sample = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:6372", always_xy=True).transform(
        -99.5, 27.45
    )
    described = describe_reprojection(pyproj.CRS("EPSG:6372"), pyproj.CRS("EPSG:32614"), sample)
    assert described.source.startswith("EPSG:6372")
    assert "UTM zone 14N" in described.operation


@pytest.mark.parametrize(
    ("crs", "problem"),
    [("EPSG:4326", "not projected"), ("EPSG:2279", "US survey foot"), ("EPSG:32614", None)],
)
def test_analysis_crs_must_be_projected_in_metres(crs: str, problem: str | None) -> None:
    found = analysis_crs_problem(pyproj.CRS(crs))
    assert found is None if problem is None else problem in found


def test_swapped_coordinates_fall_outside_the_area_of_use() -> None:
    crs = pyproj.CRS("EPSG:2279")
    x, y = np.array([1_200_000.0]), np.array([16_500_000.0])
    assert not outside_area_of_use(crs, x, y).any()
    assert outside_area_of_use(crs, y, x).all()


def test_a_datum_shift_missing_its_grid_is_named() -> None:
    # NAD27 → WGS 84 is best done with NOAA's NADCON5 grid, which pyproj does not ship.
    described = describe_reprojection(
        pyproj.CRS("EPSG:26714"), pyproj.CRS("EPSG:32614"), (500_000.0, 3_040_000.0)
    )
    if not described.missing_grids:
        pytest.skip("the NAD27 grids are installed here")
    assert "us_noaa_conus.tif" in described.missing_grids
    problems = ProblemLog()
    described.report_missing_grids(problems, "old.shp", "old", None, tolerance_m=5.0)
    (warning,) = problems.problems
    assert warning.code == "datum-shift-degraded" and "us_noaa_conus.tif" in warning.found
    quiet = ProblemLog()
    described.report_missing_grids(quiet, "old.shp", "old", None, tolerance_m=250.0)
    assert quiet.problems == []
