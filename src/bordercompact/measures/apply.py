"""A set of measures applied to one risk line, re-run only where their effects touch.

Impacts add up over assets (without risk transfer), so the impact avoided by a set of
measures is the impact of the touched assets before the measures minus their impact
after: the engine runs on those assets and the centroids they stand on only, and the
result equals a full re-run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from bordercompact.measures.effects import (
    IntensityChange,
    change_intensity,
    changed_events,
    scaled_function,
)
from bordercompact.measures.value import AppraisalError
from bordercompact.risk.engine import ImpactResult, compute_impact
from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.pipeline import EngineInputs
from bordercompact.risk.vulnerability import ImpactFuncSet


@dataclass(frozen=True)
class ZoneHazard:
    """A hazard effect resolved to the centroids it acts on (and, once known, the events)."""

    inside: np.ndarray  # per centroid
    change: IntensityChange
    events: np.ndarray | None = None  # per event: whether the change acts on it


@dataclass(frozen=True)
class ZoneVulnerability:
    """A vulnerability effect resolved to the assets whose curves change."""

    assets: np.ndarray  # per asset
    mdd: tuple[float, float]  # (scale, shift)
    paa: tuple[float, float]


@dataclass(frozen=True)
class ZoneReduction:
    """The assets removed (share 1: a buy-out) or whose impact falls by a share (people
    warned in time)."""

    assets: np.ndarray  # per asset
    share: float
    households: np.ndarray | None = None  # a buy-out's households per asset, if counted
    bought_out: bool = False  # the assets are removed (a buy-out), not their impact reduced


Resolved = ZoneHazard | ZoneVulnerability | ZoneReduction


@dataclass(frozen=True)
class Avoided:
    """The impacts of the touched assets before and after the measures."""

    touched: np.ndarray  # per asset: whether an effect touches it
    before: ImpactResult
    after: ImpactResult

    def avoided_by_party(self) -> dict[str, float]:
        """Avoided average annual impact per party (only parties with touched assets)."""
        before, after = self.before.aai_by_party(), self.after.aai_by_party()
        return {party: before[party] - after.get(party, 0.0) for party in before}


def touched_assets(inputs: EngineInputs, effects: list[Resolved]) -> np.ndarray:
    """The assets any effect acts on: standing on a changed centroid, or named."""
    touched = np.zeros(inputs.exposures.size, dtype=bool)
    located = inputs.centroid != NO_CENTROID
    for effect in effects:
        if isinstance(effect, ZoneHazard):
            touched[located] |= effect.inside[inputs.centroid[located]]
        else:
            touched |= effect.assets
    return touched


def apply_measures(inputs: EngineInputs, effects: list[Resolved]) -> EngineInputs:
    """The line's inputs with every effect applied together (a hazard change to the
    hazard, changed curves under new ids for the assets concerned, reduced values)."""
    hazard, exposures = inputs.hazard, inputs.exposures
    impf_id, value = exposures.impf_id.copy(), exposures.value.copy()
    curves = {(f.haz_type, f.impf_id): f for f in inputs.functions}
    for effect in effects:
        if isinstance(effect, ZoneHazard):
            hazard = change_intensity(hazard, effect.inside, effect.change, effect.events)
        elif isinstance(effect, ZoneVulnerability):
            for original in np.unique(impf_id[effect.assets]):
                new_id = max(i for _, i in curves) + 1  # a new curve, as CLIMADA's measures
                base = curves[(hazard.haz_type, int(original))]
                curves[(hazard.haz_type, new_id)] = scaled_function(
                    base, effect.mdd, effect.paa, new_id
                )
                impf_id[effect.assets & (impf_id == original)] = new_id
        else:
            if not 0 <= effect.share <= 1:
                raise AppraisalError(f"a reduction of {effect.share}; expected a share 0–1")
            value[effect.assets] *= 1.0 - effect.share
    return EngineInputs(
        hazard,
        replace(exposures, impf_id=impf_id, value=value),
        ImpactFuncSet(curves.values()),
        inputs.centroid,
    )


def avoided_impact(
    inputs: EngineInputs,
    effects: list[Resolved],
    client: object = None,
    by_centroid: sp.csc_matrix | None = None,
) -> Avoided:
    """The impacts of the assets the measures touch, before and after them, computed on
    those assets and their centroids only (the untouched ones cancel out of the
    difference). ``by_centroid``: the line's intensity stored by centroid (CSC; see
    :func:`intensity_by_centroid`), which makes the cost follow the centroids touched."""
    touched = touched_assets(inputs, effects)
    resolved = [_with_events(e, inputs, by_centroid) for e in effects]
    subset, columns = _subset(inputs, touched, by_centroid)
    after = apply_measures(subset, [_restricted(e, touched, columns) for e in resolved])
    return Avoided(
        touched,
        compute_impact(
            subset.hazard, subset.exposures, subset.functions, subset.centroid, client=client
        ),
        compute_impact(
            after.hazard, after.exposures, after.functions, after.centroid, client=client
        ),
    )


def intensity_by_centroid(inputs: EngineInputs) -> sp.csc_matrix:
    """The line's intensity stored by centroid, for many :func:`avoided_impact` calls."""
    return sp.csc_matrix(inputs.hazard.intensity)


def _with_events(
    effect: Resolved, inputs: EngineInputs, by_centroid: sp.csc_matrix | None
) -> Resolved:
    """A hazard effect with the events it acts on, from the whole hazard (a design return
    period ranks events over the whole zone, not only where assets stand)."""
    if not isinstance(effect, ZoneHazard) or effect.events is not None:
        return effect
    events = changed_events(inputs.hazard, effect.inside, effect.change, by_centroid)
    return replace(effect, events=events)


def _subset(
    inputs: EngineInputs, keep: np.ndarray, by_centroid: sp.csc_matrix | None
) -> tuple[EngineInputs, np.ndarray]:
    """The line's inputs for the ``keep`` assets, on the centroids they stand on; and
    those centroids' indices in the whole hazard."""
    exposures = inputs.exposures
    fields = {
        name: getattr(exposures, name)[keep]
        for name in ("asset_id", "lat", "lon", "value", "impf_id", "party")
    }
    for name in ("deductible", "cover"):
        values = getattr(exposures, name)
        fields[name] = values[keep] if values is not None else None
    centroid = inputs.centroid[keep]
    located = centroid != NO_CENTROID
    columns, position = np.unique(centroid[located], return_inverse=True)
    kept_centroid = np.full(centroid.size, NO_CENTROID, dtype=centroid.dtype)
    kept_centroid[located] = position
    return (
        EngineInputs(
            inputs.hazard.at_centroids(columns, by_centroid),
            Exposures(**fields),
            inputs.functions,
            kept_centroid,
        ),
        columns,
    )


def _restricted(effect: Resolved, keep: np.ndarray, columns: np.ndarray) -> Resolved:
    if isinstance(effect, ZoneHazard):
        return replace(effect, inside=effect.inside[columns])
    return replace(effect, assets=effect.assets[keep])
