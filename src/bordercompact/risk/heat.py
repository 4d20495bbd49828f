"""Heat event sets from a weather station's daily series: every day above a threshold is
an event, its value carried to each centroid of a terrain grid with the lapse rate.
Documented for users in ``docs/risk-config.md``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import scipy.sparse as sp
from affine import Affine

from bordercompact.risk.hazard import Hazard, HazardError, RasterGrid
from bordercompact.risk.text_tables import first_line, read_text_csv

DAYS_PER_YEAR = 365.25


def read_daily_series(path: Path, date_column: str, value_column: str) -> pd.Series:
    """A station's daily values indexed by date; missing values are NaN. Errors name the
    file, the line (header = line 1), the column, what was found and what was expected."""
    table = read_text_csv(path, HazardError)
    for column in (date_column, value_column):
        if column not in table.columns:
            raise HazardError(
                f"{path}: no column {column!r}; expected it among {', '.join(table.columns)}"
            )
    dates = pd.to_datetime(table[date_column], format="%Y-%m-%d", errors="coerce")
    text = table[value_column]
    values = pd.to_numeric(text.where(text != "", None), errors="coerce")
    for column, bad in (
        (date_column, dates.isna()),
        (value_column, values.isna() & (text != "") | ~np.isfinite(values.fillna(0))),
    ):
        if bad.any():
            line = first_line(bad)
            expected = "a date as YYYY-MM-DD" if column == date_column else "a number or nothing"
            raise HazardError(
                f"{path}: line {line}, column {column!r}: found {table.at[line, column]!r}; "
                f"expected {expected}"
            )
    repeated = dates.duplicated()
    if repeated.any():
        line = first_line(repeated)
        raise HazardError(
            f"{path}: line {line}, column {date_column!r}: "
            f"{table.at[line, date_column]!s} again; expected one value per day"
        )
    if values.isna().all():
        raise HazardError(
            f"{path}: column {value_column!r} holds no value; expected a number on some day"
        )
    return pd.Series(values.to_numpy(dtype=np.float64), index=pd.DatetimeIndex(dates)).sort_index()


def years_of_record(dates: pd.DatetimeIndex) -> float:
    """Length of a daily record in years (first to last day inclusive, 365.25 days a year)."""
    return ((dates.max() - dates.min()).days + 1) / DAYS_PER_YEAR


def lapse_rate_adjusted(
    station_value: np.ndarray,
    station_elevation_m: float,
    elevation_m: np.ndarray,
    lapse_rate_per_km: float,
) -> np.ndarray:
    """Temperatures carried from a station to other elevations (days × points, °C):
    T = T_station − Γ · (z − z_station) / 1000, with Γ the lapse rate in °C per km
    (6.5 °C/km is the ICAO standard atmosphere's; ISO 2533:1975)."""
    drop = lapse_rate_per_km * (np.asarray(elevation_m) - station_elevation_m) / 1000.0
    return np.asarray(station_value)[:, np.newaxis] - drop[np.newaxis, :]


def block_mean_terrain(path: Path, block: int) -> tuple[np.ndarray, RasterGrid]:
    """Elevations (m) of a terrain raster averaged over ``block`` × ``block`` cells (NaN
    where a block holds no data), and the coarser grid they lie on."""
    with rasterio.open(path) as raster:
        fine = RasterGrid.of(raster, path)
        cells = np.ma.filled(raster.read(1, masked=True).astype(np.float64), np.nan)
    height, width = -(-fine.height // block), -(-fine.width // block)
    padded = np.full((height * block, width * block), np.nan)
    padded[: fine.height, : fine.width] = cells
    blocks = padded.reshape(height, block, width, block)
    counts = np.isfinite(blocks).sum(axis=(1, 3))
    sums = np.nansum(blocks, axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    transform = fine.transform @ Affine.scale(block)
    return mean.ravel(), RasterGrid(fine.crs, transform, width, height)


def hot_day_hazard(
    series: pd.Series,
    threshold: float,
    elevation_m: np.ndarray,
    grid: RasterGrid,
    *,
    haz_type: str,
    units: str,
    station_elevation_m: float | None = None,
    lapse_rate_per_km: float = 6.5,
    scenario: str = "present",
) -> Hazard:
    """One event per day whose station value exceeds ``threshold``, with frequency
    1 / (years of record), so that the expected annual impact is the record's mean
    impact per year. Cells without elevation get no intensity. (A scenario changes the
    series before: :func:`bordercompact.risk.scenarios.changed_daily_series`.)"""
    dates = pd.DatetimeIndex(series.index)
    record = series.dropna()
    if record.empty:
        raise HazardError("the daily series holds no value; expected at least one day")
    values = record.to_numpy()
    hot = values > threshold
    days = pd.DatetimeIndex(record.index)[hot]
    at_centroids = lapse_rate_adjusted(
        values[hot],
        station_elevation_m if station_elevation_m is not None else 0.0,
        elevation_m,
        lapse_rate_per_km if station_elevation_m is not None else 0.0,
    )
    at_centroids[:, np.isnan(elevation_m)] = 0.0
    np.maximum(at_centroids, 0.0, out=at_centroids)
    return Hazard(
        haz_type=haz_type,
        units=units,
        centroids=grid.centroids(),
        event_id=(days.year * 10_000 + days.month * 100 + days.day).to_numpy(dtype=np.int64),
        frequency=np.full(len(days), 1.0 / years_of_record(dates)),
        intensity=sp.csr_matrix(at_centroids),
        event_name=np.array([d.date().isoformat() for d in days], dtype=object),
        scenario=scenario,
        grid=grid,
    )
