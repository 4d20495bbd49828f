"""Exposures: assets with a value, an impact function and a party, each assigned to the
hazard centroid it stands on (CLIMADA's ``Exposures`` with ``centr_<haz_type>``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from bordercompact.risk.hazard import Centroids, RasterGrid

#: Mean Earth radius (m), IUGG; the sphere on which nearest centroids are found.
EARTH_RADIUS_M = 6_371_008.8
#: Value of ``centroid`` for an asset with no centroid within the maximum distance.
NO_CENTROID = -1


class ExposureError(ValueError):
    """Assets that cannot be used as given."""


@dataclass(frozen=True)
class Exposures:
    """Assets in longitude/latitude (degrees) with values in the region currency.

    ``deductible`` and ``cover`` (region currency, per asset) make the insured part of the
    impact; absent, the whole impact is uninsured. ``occupants`` counts people for
    impacts on people (heat).
    """

    asset_id: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    value: np.ndarray  # float64, region currency (or people, for impacts on people)
    impf_id: np.ndarray  # int64, the impact function of each asset for the hazard type
    party: np.ndarray  # object: the party of each asset
    deductible: np.ndarray | None = None
    cover: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.asset_id)
        for name in ("lat", "lon", "value", "impf_id", "party", "deductible", "cover"):
            values = getattr(self, name)
            if values is not None and len(values) != n:
                raise ExposureError(f"{len(values)} values of {name} for {n} assets")
        for name in ("value", "deductible", "cover"):
            values = getattr(self, name)
            if values is None:
                continue
            bad = ~np.isfinite(values) | (values < 0)
            if bad.any():
                i = int(np.argmax(bad))
                raise ExposureError(
                    f"asset {self.asset_id[i]}: {name} {values[i]}; expected a finite value >= 0"
                )

    @property
    def size(self) -> int:
        return len(self.asset_id)

    @property
    def insured(self) -> bool:
        return self.deductible is not None or self.cover is not None


@dataclass(frozen=True)
class CentroidAssignment:
    centroid: np.ndarray  # int64 index into the centroids, NO_CENTROID beyond the distance
    distance_m: np.ndarray  # great-circle distance to it (m)
    max_distance_m: float

    @property
    def beyond(self) -> int:
        """How many assets have no centroid within the maximum distance."""
        return int(np.count_nonzero(self.centroid == NO_CENTROID))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def assign_centroids(
    exposures: Exposures, centroids: Centroids, max_distance_m: float
) -> CentroidAssignment:
    """The nearest centroid of each asset, if within ``max_distance_m`` (great circle).

    Points go onto the unit sphere, where a KD-tree finds the nearest neighbour by chord
    length, which orders points as the great-circle distance does; the distance is then
    ``2 R asin(chord / 2)`` (the haversine distance, R the mean Earth radius).
    CLIMADA's ``Exposures.assign_centroids`` matches the same way with a haversine
    BallTree and a distance threshold (``u_coord.match_coordinates``).
    """
    tree = cKDTree(_unit_vectors(centroids.lat, centroids.lon))
    chord, nearest = tree.query(_unit_vectors(exposures.lat, exposures.lon), k=1)
    distance = 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1))
    centroid = np.where(distance <= max_distance_m, nearest, NO_CENTROID).astype(np.int64)
    return CentroidAssignment(centroid, distance, max_distance_m)


def great_circle_m(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Haversine distance (m) on the sphere of the mean Earth radius."""
    chord = np.linalg.norm(_unit_vectors(lat1, lon1) - _unit_vectors(lat2, lon2), axis=1)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1))


def assign_raster_cells(
    exposures: Exposures, grid: RasterGrid, centroids: Centroids
) -> CentroidAssignment:
    """The cell of a raster hazard each asset stands in (raster sampling, as CLIMADA's
    ``Exposures.assign_centroids`` does for raster centroids); assets outside the grid get
    :data:`NO_CENTROID`. ``centroids`` are the grid's cells (:meth:`RasterGrid.centroids`);
    ``distance_m`` is the distance to the cell's centre."""
    cells = grid.cells_at(exposures.lon, exposures.lat)
    inside = cells != NO_CENTROID
    distance = np.full(exposures.size, np.inf)
    if inside.any():
        distance[inside] = great_circle_m(
            exposures.lat[inside],
            exposures.lon[inside],
            centroids.lat[cells[inside]],
            centroids.lon[cells[inside]],
        )
    half_diagonal = float(distance[inside].max()) if inside.any() else 0.0
    return CentroidAssignment(cells, distance, half_diagonal)
