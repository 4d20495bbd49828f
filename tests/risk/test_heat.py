"""Heat event sets from a station's daily series: reading the series, the lapse rate, the
block-averaged terrain, and one event per hot day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from affine import Affine
from pyproj import CRS
from rasterio.transform import from_origin

from bordercompact.risk.hazard import HazardError, RasterGrid
from bordercompact.risk.heat import (
    block_mean_terrain,
    hot_day_hazard,
    lapse_rate_adjusted,
    read_daily_series,
    years_of_record,
)
from tests.rasters import write_geotiff

NODATA = -9999.0
# three cells in a row: at the station's 300 m, 500 m higher, and without elevation
GRID = RasterGrid(CRS.from_epsg(32614), from_origin(500_000, 3_046_000, 100, 100), 3, 1)
ELEVATION = np.array([300.0, 800.0, np.nan])


def write_series(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tmax.csv"
    path.write_text(text, encoding="utf-8")
    return path


def daily(values: list[float], start: str = "2020-07-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"))


def test_a_daily_series_is_read_by_date_with_empty_cells_missing(tmp_path: Path) -> None:
    # rows out of order, padding and an empty cell
    path = write_series(
        tmp_path, "station,date,tmax\nA,2020-07-02, 31.5\nA,2020-07-01,30\nA, 2020-07-03 ,\n"
    )
    series = read_daily_series(path, "date", "tmax")
    assert list(series.index) == list(pd.date_range("2020-07-01", periods=3, freq="D"))
    np.testing.assert_array_equal(series.to_numpy(), [30.0, 31.5, np.nan])


def test_a_missing_column_is_named_with_the_columns_found(tmp_path: Path) -> None:
    path = write_series(tmp_path, "date,tx\n2020-07-01,30\n")
    with pytest.raises(HazardError, match=r"no column 'tmax'; expected it among date, tx"):
        read_daily_series(path, "date", "tmax")


def test_a_bad_value_names_file_line_and_column(tmp_path: Path) -> None:
    # header = line 1, so the third day is line 4
    path = write_series(tmp_path, "date,tmax\n2020-07-01,30\n2020-07-02,31\n2020-07-03,hot\n")
    with pytest.raises(HazardError) as caught:
        read_daily_series(path, "date", "tmax")
    assert str(caught.value) == (
        f"{path}: line 4, column 'tmax': found 'hot'; expected a number or nothing"
    )


def test_an_infinite_value_is_refused(tmp_path: Path) -> None:
    path = write_series(tmp_path, "date,tmax\n2020-07-01,inf\n")
    with pytest.raises(HazardError, match=r"line 2, column 'tmax': found 'inf'"):
        read_daily_series(path, "date", "tmax")


def test_a_bad_date_names_file_line_and_column(tmp_path: Path) -> None:
    path = write_series(tmp_path, "date,tmax\n2020-07-01,30\n01/07/2020,31\n")
    with pytest.raises(HazardError) as caught:
        read_daily_series(path, "date", "tmax")
    assert str(caught.value) == (
        f"{path}: line 3, column 'date': found '01/07/2020'; expected a date as YYYY-MM-DD"
    )


def test_a_date_given_twice_names_the_line_of_the_second(tmp_path: Path) -> None:
    path = write_series(tmp_path, "date,tmax\n2020-07-01,30\n2020-07-02,\n2020-07-01,31\n")
    with pytest.raises(HazardError) as caught:
        read_daily_series(path, "date", "tmax")
    message = str(caught.value)
    assert message.startswith(f"{path}: line 4, column 'date': 2020-07-01 again")
    assert "expected one value per day" in message


def test_a_bad_value_below_a_blank_line_names_its_own_line(tmp_path: Path) -> None:
    # line 1 header, line 2 a day, line 3 blank, line 4 the bad value
    path = write_series(tmp_path, "date,tmax\n2020-07-01,30\n\n2020-07-02,hot\n")
    with pytest.raises(HazardError, match=r"line 4, column 'tmax'"):
        read_daily_series(path, "date", "tmax")


def test_an_empty_series_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write_series(tmp_path, "")
    with pytest.raises(HazardError, match="the file is empty; expected a CSV table with a header"):
        read_daily_series(path, "date", "tmax")


def test_a_leap_year_of_daily_record_is_366_days_of_365_25() -> None:
    dates = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    assert years_of_record(dates) == pytest.approx(366 / 365.25)


def test_the_years_of_record_run_from_the_first_to_the_last_day_inclusive() -> None:
    # gaps inside the record count: 1 Jan to 10 Jan is 10 days
    dates = pd.DatetimeIndex(["2021-01-10", "2021-01-01"])
    assert years_of_record(dates) == pytest.approx(10 / 365.25)


def test_the_lapse_rate_cools_a_higher_point_by_hand() -> None:
    # 30 °C at 300 m, 500 m higher at 6.5 °C/km: 30 − 6.5 · 0.5 = 26.75 °C
    adjusted = lapse_rate_adjusted(np.array([30.0]), 300.0, np.array([800.0]), 6.5)
    assert adjusted.shape == (1, 1)
    assert adjusted[0, 0] == pytest.approx(26.75)


def test_the_lapse_rate_gives_days_by_points() -> None:
    # 100 m below the station is 0.65 °C warmer
    adjusted = lapse_rate_adjusted(np.array([30.0, 20.0]), 300.0, np.array([200.0, 300.0]), 6.5)
    np.testing.assert_allclose(adjusted, [[30.65, 30.0], [20.65, 20.0]])


def write_terrain(path: Path, cells: np.ndarray, transform: Affine) -> Path:
    return write_geotiff(path, cells, transform, nodata=NODATA)


def test_block_means_of_a_4_by_4_terrain_by_hand(tmp_path: Path) -> None:
    cells = np.arange(1.0, 17.0).reshape(4, 4)
    cells[3, 3] = NODATA
    transform = from_origin(500_000, 3_046_000, 100, 100)
    path = write_terrain(tmp_path / "dem.tif", cells, transform)
    mean, grid = block_mean_terrain(path, 2)
    # (1+2+5+6)/4, (3+4+7+8)/4, (9+10+13+14)/4, and without the nodata cell (11+12+15)/3
    assert mean == pytest.approx([3.5, 5.5, 11.5, 38 / 3])
    assert (grid.width, grid.height) == (2, 2)
    assert grid.transform.almost_equals(from_origin(500_000, 3_046_000, 200, 200))
    assert grid.crs.equals(CRS.from_epsg(32614))


def test_a_block_without_data_has_no_elevation(tmp_path: Path) -> None:
    cells = np.full((2, 4), 100.0)
    cells[:, 2:] = NODATA
    path = write_terrain(tmp_path / "dem.tif", cells, from_origin(0, 200, 100, 100))
    mean, _ = block_mean_terrain(path, 2)
    assert mean[0] == pytest.approx(100.0)
    assert np.isnan(mean[1])


def test_a_terrain_not_divisible_by_the_block_gets_partial_blocks(tmp_path: Path) -> None:
    # 3 × 3 cells in blocks of 2: the last row and column make blocks of 2 and 1 cells
    cells = np.arange(1.0, 10.0).reshape(3, 3)
    path = write_terrain(tmp_path / "dem.tif", cells, from_origin(0, 300, 100, 100))
    mean, grid = block_mean_terrain(path, 2)
    # (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9
    assert mean == pytest.approx([3.0, 4.5, 7.5, 9.0])
    assert (grid.width, grid.height) == (2, 2)


def test_block_1_keeps_the_terrain_as_it_is(tmp_path: Path) -> None:
    cells = np.array([[1.0, 2.0], [3.0, 4.0]])
    transform = from_origin(0, 200, 100, 100)
    mean, grid = block_mean_terrain(write_terrain(tmp_path / "dem.tif", cells, transform), 1)
    assert mean == pytest.approx([1.0, 2.0, 3.0, 4.0])
    assert grid.transform.almost_equals(transform)


def test_only_days_above_the_threshold_become_events() -> None:
    # 10 days; the 3rd (36 °C) and the 7th (38 °C) are above 35 °C, the 5th exactly at it
    series = daily([30, 31, 36, 33, 35, 34, 38, 29, np.nan, 32])
    hazard = hot_day_hazard(
        series, 35.0, ELEVATION, GRID, haz_type="HW", units="degC", station_elevation_m=300.0
    )
    np.testing.assert_array_equal(hazard.event_id, [20200703, 20200707])
    assert list(hazard.event_name) == ["2020-07-03", "2020-07-07"]
    assert (hazard.haz_type, hazard.units, hazard.scenario) == ("HW", "degC", "present")
    # 500 m higher: 3.25 °C cooler; no elevation: no intensity
    np.testing.assert_allclose(hazard.intensity.toarray(), [[36, 32.75, 0], [38, 34.75, 0]])
    assert hazard.grid == GRID


def test_each_hot_day_happens_once_in_the_years_of_record_missing_days_included() -> None:
    # 10 days, the last one missing: the record is still 10 days long
    series = daily([36, 30, 30, 30, 30, 30, 30, 30, 30, np.nan])
    hazard = hot_day_hazard(series, 35.0, ELEVATION, GRID, haz_type="HW", units="degC")
    assert hazard.frequency == pytest.approx([365.25 / 10])


def test_without_station_elevation_every_cell_with_elevation_gets_the_station_value() -> None:
    hazard = hot_day_hazard(daily([36.0]), 35.0, ELEVATION, GRID, haz_type="HW", units="degC")
    np.testing.assert_allclose(hazard.intensity.toarray(), [[36.0, 36.0, 0.0]])


def test_a_warmer_series_has_more_hot_days() -> None:
    series = daily([34.0, 36.0, 30.0])
    present = hot_day_hazard(series, 35.0, ELEVATION, GRID, haz_type="HW", units="degC")
    warmer = hot_day_hazard(
        series + 2.0, 35.0, ELEVATION, GRID, haz_type="HW", units="degC", scenario="warmer"
    )
    np.testing.assert_array_equal(present.event_id, [20200702])
    # 34 + 2 = 36 is now above 35; 30 + 2 is not
    np.testing.assert_array_equal(warmer.event_id, [20200701, 20200702])
    np.testing.assert_allclose(warmer.intensity.toarray()[:, 0], [36.0, 38.0])
    assert warmer.scenario == "warmer"


def test_a_cool_series_gives_an_empty_event_set() -> None:
    hazard = hot_day_hazard(daily([20.0, 25.0]), 35.0, ELEVATION, GRID, haz_type="HW", units="C")
    assert hazard.size == 0
    assert hazard.intensity.shape == (0, 3)


def test_a_series_without_any_value_is_refused() -> None:
    with pytest.raises(HazardError, match="holds no value"):
        hot_day_hazard(daily([np.nan, np.nan]), 35.0, ELEVATION, GRID, haz_type="HW", units="degC")
