"""Hazard event sets: sparse events × centroids intensity with event frequencies, in
CLIMADA's model (``climada.hazard.Hazard``): one row per event, one column per centroid,
zeros not stored, frequency in events per year."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp


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

    @property
    def size(self) -> int:
        return len(self.event_id)
