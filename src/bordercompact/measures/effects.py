"""How a measure changes the risk: the hazard inside its zone, the vulnerability of some
asset classes, or the exposure itself. Each effect returns a changed copy; the risk engine
is then run on it.

The effects follow CLIMADA's measure semantics (``climada.entity.measures.base.Measure``)
where they overlap, as said in each function.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from bordercompact.measures.value import AppraisalError
from bordercompact.risk.hazard import Hazard
from bordercompact.risk.scenarios import severity_return_periods
from bordercompact.risk.vulnerability import ImpactFunc


@dataclass(frozen=True)
class IntensityChange:
    """I' = max(0, I · scale + shift) inside the measure's zone, for the events up to a
    design return period (all events without one)."""

    scale: float = 1.0
    shift: float = 0.0
    up_to_return_period: float | None = None


def zone_severity(
    hazard: Hazard, inside: np.ndarray, by_centroid: sp.csc_matrix | None = None
) -> np.ndarray:
    """Each event's summed intensity over the centroids ``inside`` a zone (the load on a
    levee around it). ``by_centroid``: the intensity stored by centroid (CSC), for speed."""
    source = hazard.intensity if by_centroid is None else by_centroid
    return np.asarray(source[:, np.flatnonzero(inside)].sum(axis=1)).ravel()


def event_return_periods_in(
    hazard: Hazard, inside: np.ndarray, by_centroid: sp.csc_matrix | None = None
) -> np.ndarray:
    """Each event's return period (years) as seen inside a zone: ranked by its
    :func:`zone_severity` (:func:`severity_return_periods`); an event that does not touch
    the zone has an infinite one."""
    severity = zone_severity(hazard, inside, by_centroid)
    return np.where(severity > 0, severity_return_periods(severity, hazard.frequency), np.inf)


def design_severity(
    hazard: Hazard,
    inside: np.ndarray,
    return_period: float,
    by_centroid: sp.csc_matrix | None = None,
) -> float:
    """The zone severity a measure is built for: that of the most severe event up to the
    design return period (:func:`event_return_periods_in`) in ``hazard``, the event set
    it is designed on; 0 where none is that frequent."""
    severity = zone_severity(hazard, inside, by_centroid)
    periods = np.where(severity > 0, severity_return_periods(severity, hazard.frequency), np.inf)
    within = severity[periods <= return_period]
    return float(within.max()) if within.size else 0.0


def changed_events(
    hazard: Hazard,
    inside: np.ndarray,
    change: IntensityChange,
    by_centroid: sp.csc_matrix | None = None,
    design_hazard: Hazard | None = None,
) -> np.ndarray:
    """Per event, whether the change acts on it: every event, or with a design return
    period the events no more severe in the zone than the design event
    (:func:`design_severity`) of ``design_hazard`` — the present event set, on which the
    measure is built: a levee built for today's 50-year flood holds that flood's load in
    a future climate too, where it is a more frequent event, and fails above it. Without
    ``design_hazard``, ``hazard`` itself (the events up to the design return period)."""
    if change.up_to_return_period is None:
        return np.ones(hazard.size, dtype=bool)
    if design_hazard is None:
        threshold = design_severity(hazard, inside, change.up_to_return_period, by_centroid)
    elif design_hazard.centroids.size != hazard.centroids.size:
        raise AppraisalError(
            f"a design event set of {design_hazard.centroids.size} centroids for a hazard "
            f"of {hazard.centroids.size}; expected the same centroids"
        )
    else:
        threshold = design_severity(design_hazard, inside, change.up_to_return_period)
    return zone_severity(hazard, inside, by_centroid) <= threshold


def change_intensity(
    hazard: Hazard,
    inside: np.ndarray,
    change: IntensityChange,
    events: np.ndarray | None = None,
) -> Hazard:
    """The hazard with its stored intensities changed at the centroids ``inside`` the zone
    (a boolean per centroid) for the events within the design (:func:`changed_events`): a
    levee built for the 100-year flood removes the flood behind it (``scale`` 0) from the
    events up to it and leaves the more severe ones, which overtop it, unchanged.

    CLIMADA's ``hazard_inten_imp = (a, b)`` leaves the hazard alone and moves the damage
    curve's points to max(x · a − b, 0), which acts as an intensity of (I + b) / a: the
    same change as scale = 1/a, shift = b/a here, but inside a zone and on the hazard
    itself (docs/dev/climada-measures.md). CLIMADA's ``hazard_freq_cutoff`` removes the
    events more frequent than a cutoff ranked by their impact; the design return period
    here ranks them by the hazard inside the zone (the levee's load), a physical reading
    of the same idea. Intensities that would fall below 0 are 0. ``events``: which events
    the change acts on, when already known (:func:`changed_events` on the whole hazard,
    for a hazard cut down to some centroids).
    """
    if len(inside) != hazard.centroids.size:
        raise AppraisalError(
            f"a zone of {len(inside)} centroid flags for a hazard of {hazard.centroids.size}"
        )
    chosen = changed_events(hazard, inside, change) if events is None else events
    intensity = hazard.intensity.tocsr(copy=True)
    rows = np.repeat(np.arange(hazard.size), np.diff(intensity.indptr))
    touched = inside[intensity.indices] & chosen[rows]
    intensity.data[touched] = np.maximum(intensity.data[touched] * change.scale + change.shift, 0.0)
    intensity.eliminate_zeros()
    return replace(hazard, intensity=sp.csr_matrix(intensity))


def scaled_function(
    function: ImpactFunc, mdd: tuple[float, float], paa: tuple[float, float], impf_id: int
) -> ImpactFunc:
    """The impact function with MDD' = max(0, MDD · a + b) and PAA' = max(0, PAA · a + b)
    (floodproofing, building codes), under a new id for the assets it applies to: CLIMADA's
    ``mdd_impact`` and ``paa_impact`` (a, b), which also give the changed curve a new id."""
    return ImpactFunc(
        haz_type=function.haz_type,
        impf_id=impf_id,
        intensity=function.intensity,
        mdd=np.maximum(function.mdd * mdd[0] + mdd[1], 0.0),
        paa=np.maximum(function.paa * paa[0] + paa[1], 0.0),
        name=f"{function.name} (changed by a measure)",
        intensity_unit=function.intensity_unit,
        source=function.source,
    )


def transferred_layer(at_event_by_party: np.ndarray, attachment: float, cover: float) -> np.ndarray:
    """The part of each event's impact an insurance layer pays, split among the parties in
    proportion to their share of the event (events × parties): on the event's total
    impact L, min(max(L − attachment, 0), cover), as CLIMADA's
    ``Impact.calc_risk_transfer`` computes it on the portfolio. A cover of 0 transfers
    nothing (measures.toml requires a cover; the CLIMADA table reads a deductible without
    a cover as an unlimited one: ``climada_table.risk_transfer_cover``)."""
    total = at_event_by_party.sum(axis=1)
    layer = np.minimum(np.maximum(total - attachment, 0.0), cover)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[:, np.newaxis] > 0, at_event_by_party / total[:, np.newaxis], 0.0)
    return share * layer[:, np.newaxis]
