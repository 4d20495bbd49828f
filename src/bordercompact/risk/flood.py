"""River-flood event sets modelled from the terrain: Gumbel discharge per return period,
a power-law rating curve, and depth above the height above nearest drainage (HAND).

A screening model in the spirit of the HAND flood-mapping method (Nobre et al. 2016;
Zheng et al. 2018): it floods every cell lower than the stage above its nearest drainage,
with no routing, no defences and one stage for the whole raster. Documented for users in
``docs/risk-config.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
import scipy.sparse as sp

from bordercompact.risk.hazard import Hazard, HazardError, RasterGrid
from bordercompact.risk.hazard_io import frequencies_from_return_periods


def gumbel_discharge(
    return_period: np.ndarray | float, location_m3s: float, scale_m3s: float
) -> np.ndarray:
    """The T-year annual-maximum discharge (m³/s) of a Gumbel (EV1) distribution,

        Q_T = μ − β · ln(−ln(1 − 1/T)),

    with μ the location and β the scale (m³/s), T in years (> 1).

    Reference: Chow, Maidment and Mays (1988), *Applied Hydrology*, McGraw-Hill, ch. 12
    (the extreme value type I distribution and its quantiles).
    """
    period = np.asarray(return_period, dtype=np.float64)
    if np.any(period <= 1):
        raise HazardError(
            f"return periods: found {period[period <= 1].tolist()}; expected years > 1 "
            "(an annual maximum is exceeded at most once a year)"
        )
    return location_m3s - scale_m3s * np.log(-np.log1p(-1.0 / period))


def rating_stage(
    discharge_m3s: np.ndarray | float,
    coefficient: float,
    exponent: float,
    reference_discharge_m3s: float = 0.0,
) -> np.ndarray:
    """Water stage above the terrain model's drainage level (m) for a discharge (m³/s),
    from the power-law rating curve h = a · Q^b taken relative to the stage of the
    reference discharge Q_ref at which the terrain model saw the water surface:

        h = a · (Q^b − Q_ref^b).

    b ≈ 0.6 follows from Manning's equation for a wide rectangular channel (Q ∝ h^(5/3)).

    It is the inverse of the standard rating equation Q = C · (h − e)^N with b = 1/N
    (WMO (2010), *Manual on Stream Gauging*, vol. II, WMO-No. 1044, stage–discharge
    relations). A negative stage (a discharge below the reference) floods nothing.
    """
    discharge = np.maximum(np.asarray(discharge_m3s, dtype=np.float64), 0.0)
    return coefficient * (discharge**exponent - reference_discharge_m3s**exponent)


def flood_depth(stage_m: float, hand_m: np.ndarray, max_hand_m: float | None = None) -> np.ndarray:
    """Water depth (m) of each cell, max(0, stage − HAND); cells without HAND (NaN) and,
    when given, cells higher than ``max_hand_m`` above their drainage stay dry."""
    depth = np.maximum(stage_m - hand_m, 0.0)
    dry = np.isnan(hand_m)
    if max_hand_m is not None:
        dry |= hand_m > max_hand_m
    return np.where(dry, 0.0, depth)


def read_hand(path: Path) -> tuple[np.ndarray, RasterGrid, int]:
    """Height above nearest drainage (m) from band 1 of a raster, NaN where nodata, and
    how many cells were below their drainage (negative HAND, a terrain-model artefact of
    pits and of the burned-in channel): those are set to 0, at the drainage level."""
    with rasterio.open(path) as raster:
        grid = RasterGrid.of(raster, path)
        cells = raster.read(1, masked=True).astype(np.float64)
    hand = np.ma.filled(cells, np.nan)
    below = hand < 0
    hand[below] = 0.0
    return hand, grid, int(np.count_nonzero(below))


def hand_flood_hazard(
    hand_m: np.ndarray,
    grid: RasterGrid,
    return_periods: np.ndarray,
    stages_m: np.ndarray,
    *,
    haz_type: str = "FL",
    max_hand_m: float | None = None,
    scenario: str = "present",
) -> Hazard:
    """A flood event set (depth in m; CLIMADA's ``FL``, or ``RF`` as CLIMADA Petals names
    river floods) with one event per return period:
    the depth map of the T-year stage, with the frequency of a return-period map set
    (:func:`~bordercompact.risk.hazard_io.frequencies_from_return_periods`)."""
    periods = np.asarray(return_periods, dtype=np.float64)
    frequency = frequencies_from_return_periods(periods)
    rows = [
        sp.csr_matrix(flood_depth(float(h), hand_m, max_hand_m).reshape(1, -1)) for h in stages_m
    ]
    return Hazard(
        haz_type=haz_type,
        units="m",
        centroids=grid.centroids(),
        event_id=np.arange(1, len(periods) + 1, dtype=np.int64),
        frequency=frequency,
        intensity=sp.vstack(rows, format="csr"),
        event_name=np.array([f"RP{t:g}" for t in periods], dtype=object),
        scenario=scenario,
        grid=grid,
    )
