"""Hazard event sets: sparse events × centroids intensity with event frequencies, in
CLIMADA's model (``climada.hazard.Hazard``): one row per event, one column per centroid,
zeros not stored, frequency in events per year."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from affine import Affine
from pyproj import CRS, Transformer

WGS84 = CRS.from_epsg(4326)


class HazardError(ValueError):
    """An event set that does not hold together (shapes, ids, frequencies)."""


@dataclass(frozen=True)
class Centroids:
    """Points where the hazard is known, in longitude/latitude (EPSG:4326, degrees)."""

    centroid_id: np.ndarray  # one id per centroid (int64, or text)
    lat: np.ndarray  # float64, degrees north
    lon: np.ndarray  # float64, degrees east

    def __post_init__(self) -> None:
        n = len(self.centroid_id)
        if len(self.lat) != n or len(self.lon) != n:
            raise HazardError(
                f"centroids: {n} ids but {len(self.lat)} latitudes and {len(self.lon)} longitudes"
            )

    @property
    def size(self) -> int:
        return len(self.centroid_id)


def to_lon_lat(x: np.ndarray, y: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (EPSG:4326) of points given in ``crs`` (x east, y north)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if crs.equals(WGS84, ignore_axis_order=True):
        return x, y
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def cell_centres(transform: Affine, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every cell centre of a grid, row by row (row-major, as CLIMADA's
    ``u_coord.raster_to_meshgrid``)."""
    col = np.arange(width, dtype=np.float64)[np.newaxis, :] + 0.5
    row = np.arange(height, dtype=np.float64)[:, np.newaxis] + 0.5
    x = transform.a * col + transform.b * row + transform.c
    y = transform.d * col + transform.e * row + transform.f
    return x.ravel(), y.ravel()


@dataclass(frozen=True)
class RasterGrid:
    """The grid of a raster hazard: centroid ``row × width + column`` is that cell."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @classmethod
    def of(cls, raster: Any, path: Path) -> RasterGrid:
        """The grid of an open rasterio dataset."""
        if raster.crs is None:
            raise HazardError(
                f"{path}: no coordinate reference system; expected a GeoTIFF with one"
            )
        return cls(CRS.from_wkt(raster.crs.to_wkt()), raster.transform, raster.width, raster.height)

    def describe(self) -> str:
        return (
            f"{self.width} × {self.height} cells, transform {tuple(self.transform)[:6]}, "
            f"CRS {self.crs.name}"
        )

    def same_as(self, other: RasterGrid) -> bool:
        return (
            (self.width, self.height) == (other.width, other.height)
            and self.transform.almost_equals(other.transform)
            and self.crs.equals(other.crs)
        )

    def centroids(self) -> Centroids:
        """Every cell centre as a centroid, in longitude/latitude."""
        lon, lat = to_lon_lat(*cell_centres(self.transform, self.width, self.height), self.crs)
        return Centroids(np.arange(lon.size, dtype=np.int64), lat=lat, lon=lon)

    def cells_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The cell (``row × width + column``) holding each point, -1 outside the grid."""
        if self.crs.equals(WGS84, ignore_axis_order=True):
            x, y = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        else:
            to_grid = Transformer.from_crs(WGS84, self.crs, always_xy=True)
            x, y = (np.asarray(v, dtype=np.float64) for v in to_grid.transform(lon, lat))
        inverse = ~self.transform
        col = np.floor(inverse.a * x + inverse.b * y + inverse.c)
        row = np.floor(inverse.d * x + inverse.e * y + inverse.f)
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        cells = np.full(len(x), -1, dtype=np.int64)
        cells[inside] = row[inside].astype(np.int64) * self.width + col[inside].astype(np.int64)
        return cells


@dataclass(frozen=True)
class Hazard:
    """One hazard type's event set under one scenario.

    ``intensity[e, c]`` is the intensity of event ``e`` at centroid ``c`` in ``units``
    (flood depth in m, temperature in °C, wind speed in m/s); ``fraction[e, c]``, when
    given, the share of the centroid's area affected (CLIMADA's ``fraction``);
    ``frequency[e]`` how often the event happens per year.
    """

    haz_type: str  # CLIMADA's codes: "FL" river flood, "TC" tropical cyclone, "HW" heat wave
    units: str
    centroids: Centroids
    event_id: np.ndarray  # int64, unique
    frequency: np.ndarray  # float64, events per year
    intensity: sp.csr_matrix  # float64, events × centroids
    fraction: sp.csr_matrix | None = None
    event_name: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    scenario: str = "present"
    grid: RasterGrid | None = None  # for a raster hazard: its centroids are the grid's cells

    def __post_init__(self) -> None:
        n_events = len(self.event_id)
        shape = (n_events, self.centroids.size)
        if self.intensity.shape != shape:
            raise HazardError(
                f"intensity is {self.intensity.shape[0]} events × {self.intensity.shape[1]} "
                f"centroids; expected {shape[0]} × {shape[1]} from the events and centroids"
            )
        if self.fraction is not None and self.fraction.shape != shape:
            raise HazardError(f"fraction is {self.fraction.shape}; expected {shape}")
        if len(self.frequency) != n_events:
            raise HazardError(f"{len(self.frequency)} frequencies for {n_events} events")
        bad = ~np.isfinite(self.frequency) | (self.frequency < 0)
        if bad.any():
            raise HazardError(
                f"event {self.event_id[np.argmax(bad)]}: frequency "
                f"{self.frequency[np.argmax(bad)]}; expected a finite number >= 0 per year"
            )
        if len(np.unique(self.event_id)) != n_events:
            raise HazardError("event ids are not unique")
        if len(self.event_name) not in (0, n_events):
            raise HazardError(f"{len(self.event_name)} event names for {n_events} events")
        if self.grid is not None and self.grid.width * self.grid.height != self.centroids.size:
            raise HazardError(
                f"a grid of {self.grid.describe()} for {self.centroids.size} centroids; "
                "expected one centroid per cell"
            )

    @property
    def size(self) -> int:
        return len(self.event_id)

    def at_centroids(self, columns: np.ndarray, by_centroid: sp.csc_matrix | None = None) -> Hazard:
        """The event set at some of its centroids only (``columns``: their indices, in the
        order wanted), no longer a raster grid. ``by_centroid``, the intensity stored by
        centroid (CSC), makes this proportional to the values kept instead of all."""
        source = self.intensity if by_centroid is None else by_centroid
        kept = self.centroids
        return replace(
            self,
            centroids=Centroids(kept.centroid_id[columns], kept.lat[columns], kept.lon[columns]),
            intensity=sp.csr_matrix(source[:, columns]),
            fraction=None if self.fraction is None else sp.csr_matrix(self.fraction[:, columns]),
            grid=None,
        )
