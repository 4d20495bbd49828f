"""The impact engine: hazard × exposure × vulnerability → impacts per event, per asset and
per party, in chunks of events so that memory stays bounded.

The impact of event e on asset a (CLIMADA's ``ImpactCalc``) is

    impact[e, a] = value[a] · MDD_f(I[e, c]) · PAA_f(I[e, c]) · fraction[e, c]

with c the asset's centroid and f its impact function. It is linear in the value, so
assets sharing a centroid and an impact function are summed before the hazard is touched:
per event, the impact on party p is Σ_(c,f) MDR_f(I[e, c]) · V[c, f, p], a sparse
(events × (c, f)) by dense ((c, f) × parties) product, and the expected annual impact of
asset a is value[a] · Σ_e freq[e] · MDR_f(I[e, c]). Only the stored (non-zero)
intensities are visited, which is exact when MDR(0) = 0 (checked). Deductibles and covers
break the linearity; insured assets are computed one by one (see :func:`insured_impact`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.hazard import Hazard
from bordercompact.risk.metrics import (
    DEFAULT_RETURN_PERIODS,
    expected_annual_impact,
    impact_at_return_periods,
)
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet, ImpactFunctionError

#: Stored intensities per chunk of events (a chunk needs about 40 bytes per stored
#: intensity while it is computed; one chunk per core runs at a time).
DEFAULT_CHUNK_NNZ = 10_000_000
#: Party label of assets that belong to none.
NO_PARTY = "(none)"


@dataclass(frozen=True)
class ImpactResult:
    """Impacts of one hazard on one exposure (region currency, or people)."""

    haz_type: str
    scenario: str
    event_id: np.ndarray
    frequency: np.ndarray
    parties: tuple[str, ...]
    at_event_by_party: np.ndarray  # events × parties
    eai_exp: np.ndarray  # per asset, per year
    insured_at_event_by_party: np.ndarray | None = None
    insured_eai_exp: np.ndarray | None = None

    @property
    def at_event(self) -> np.ndarray:
        return self.at_event_by_party.sum(axis=1)

    @property
    def aai_agg(self) -> float:
        """Average annual impact of all assets, Σ_e f_e · at_event_e."""
        return float(expected_annual_impact(self.at_event, self.frequency))

    def aai_by_party(self) -> dict[str, float]:
        per_party = expected_annual_impact(self.at_event_by_party, self.frequency)
        return {p: float(v) for p, v in zip(self.parties, per_party, strict=True)}

    def return_period_impacts(
        self, return_periods: tuple[float, ...] = DEFAULT_RETURN_PERIODS
    ) -> dict[str, dict[str, float]]:
        """Impact at each return period, in total and per party (each party's own curve)."""
        columns = {"total": self.at_event} | {
            p: self.at_event_by_party[:, i] for i, p in enumerate(self.parties)
        }
        return {
            name: {
                f"{rp:g}": float(v)
                for rp, v in zip(
                    return_periods,
                    impact_at_return_periods(values, self.frequency, return_periods),
                    strict=True,
                )
            }
            for name, values in columns.items()
        }


def compute_impact(
    hazard: Hazard,
    exposures: Exposures,
    functions: ImpactFuncSet,
    centroid: np.ndarray,
    *,
    chunk_nnz: int = DEFAULT_CHUNK_NNZ,
    client: Any = None,
) -> ImpactResult:
    """Impacts of ``hazard`` on ``exposures``; ``centroid`` gives each asset's centroid
    (index into the hazard's centroids, :data:`NO_CENTROID` for none).

    With a ``dask.distributed.Client``, the chunks of events run on its workers; their
    results are added up in chunk order either way, so the numbers are the same.
    """
    parties, party_code = party_codes(exposures.party)
    groups = _function_groups(hazard, exposures, functions, centroid, party_code, len(parties))
    at_event = np.zeros((hazard.size, len(parties)))
    sensitivity = [np.zeros(hazard.centroids.size) for _ in groups]
    chunks = list(event_chunks(hazard.intensity, chunk_nnz)) if groups else []
    for (start, stop), (chunk_at_event, chunk_sensitivity) in zip(
        chunks, _run_chunks(hazard, chunks, groups, client), strict=True
    ):
        at_event[start:stop] = chunk_at_event
        for total, part in zip(sensitivity, chunk_sensitivity, strict=True):
            total += part
    eai = np.zeros(exposures.size)
    for group, per_centroid in zip(groups, sensitivity, strict=True):
        eai[group.assets] = exposures.value[group.assets] * per_centroid[centroid[group.assets]]
    insured_at_event, insured_eai = (None, None)
    if exposures.insured:
        insured_at_event, insured_eai = insured_impact(
            hazard, exposures, functions, centroid, party_code, len(parties), chunk_nnz
        )
    return ImpactResult(
        haz_type=hazard.haz_type,
        scenario=hazard.scenario,
        event_id=hazard.event_id,
        frequency=hazard.frequency,
        parties=parties,
        at_event_by_party=at_event,
        eai_exp=eai,
        insured_at_event_by_party=insured_at_event,
        insured_eai_exp=insured_eai,
    )


ChunkResult = tuple[np.ndarray, list[np.ndarray]]


def _run_chunks(
    hazard: Hazard, chunks: list[tuple[int, int]], groups: list[_FunctionGroup], client: Any
) -> Iterator[ChunkResult]:
    """The results of :func:`chunk_impact` for each chunk, in chunk order."""

    def rows(start: int, stop: int) -> tuple[sp.csr_matrix, sp.csr_matrix | None, np.ndarray]:
        fraction = _rows(hazard.fraction, start, stop) if hazard.fraction is not None else None
        return _rows(hazard.intensity, start, stop), fraction, hazard.frequency[start:stop]

    if client is None:  # NumPy's and SciPy's loops release the GIL: one thread per core
        with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1) or 1) as pool:
            yield from pool.map(lambda bounds: chunk_impact(*rows(*bounds), groups), chunks)
        return
    shared = client.scatter(groups, broadcast=True)
    futures = [client.submit(chunk_impact, *rows(a, b), shared, pure=False) for a, b in chunks]
    for future in futures:
        yield future.result()


@dataclass(frozen=True)
class _FunctionGroup:
    """The assets of one impact function, their values summed per (centroid, party)."""

    function: ImpactFunc
    assets: np.ndarray  # positions of the assets in the exposures
    weights: np.ndarray  # centroids × parties: summed values (zero where no asset)
    used: np.ndarray | None  # per centroid, whether an asset stands there; None: all do


def _rows(matrix: sp.csr_matrix, start: int, stop: int) -> sp.csr_matrix:
    """Events ``start:stop`` of a CSR matrix, sharing its arrays (no copy)."""
    low, high = matrix.indptr[start], matrix.indptr[stop]
    return sp.csr_matrix(
        (matrix.data[low:high], matrix.indices[low:high], matrix.indptr[start : stop + 1] - low),
        shape=(stop - start, matrix.shape[1]),
    )


def chunk_impact(
    intensity: sp.csr_matrix,
    fraction: sp.csr_matrix | None,
    frequency: np.ndarray,
    groups: list[_FunctionGroup],
) -> ChunkResult:
    """One chunk of events: its impacts per event and party, and per impact function the
    contribution Σ_e f_e · MDR(I[e, c]) · fraction[e, c] of its events to each centroid."""
    share = _aligned_fraction(intensity, fraction)
    at_event = np.zeros((intensity.shape[0], groups[0].weights.shape[1]))
    sensitivity = []
    for group in groups:
        if group.used is None:
            ratio = group.function.mdr(intensity.data)
        else:
            ratio = np.zeros(intensity.nnz)
            here = group.used[intensity.indices]
            ratio[here] = group.function.mdr(intensity.data[here])
        if share is not None:
            ratio *= share
        damage = sp.csr_matrix((ratio, intensity.indices, intensity.indptr), shape=intensity.shape)
        at_event += damage @ group.weights
        sensitivity.append(damage.T @ frequency)
    return at_event, sensitivity


def _aligned_fraction(
    intensity: sp.csr_matrix, fraction: sp.csr_matrix | None
) -> np.ndarray | None:
    """The fraction at each stored intensity (0 where none is stored)."""
    if fraction is None:
        return None
    if np.array_equal(fraction.indptr, intensity.indptr) and np.array_equal(
        fraction.indices, intensity.indices
    ):
        return fraction.data
    rows = np.repeat(np.arange(intensity.shape[0]), np.diff(intensity.indptr))
    return np.asarray(fraction[rows, intensity.indices]).ravel()


def event_chunks(intensity: sp.csr_matrix, chunk_nnz: int) -> Iterator[tuple[int, int]]:
    """Consecutive event ranges holding about ``chunk_nnz`` stored intensities each."""
    n_events = intensity.shape[0]
    start = 0
    while start < n_events:
        limit = intensity.indptr[start] + chunk_nnz
        stop = int(np.searchsorted(intensity.indptr, limit, side="right")) - 1
        stop = min(max(stop, start + 1), n_events)
        yield start, stop
        start = stop


def party_codes(party: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """The parties in alphabetical order and each asset's index into them (hash-based:
    millions of assets in well under a second)."""
    labels = pd.Series(party, dtype=object).fillna(NO_PARTY).astype(str)
    codes, uniques = pd.factorize(labels, sort=True)
    return tuple(str(u) for u in uniques), codes


def _function_groups(
    hazard: Hazard,
    exposures: Exposures,
    functions: ImpactFuncSet,
    centroid: np.ndarray,
    party_code: np.ndarray,
    n_parties: int,
) -> list[_FunctionGroup]:
    located = centroid != NO_CENTROID
    groups = []
    n_centroids = hazard.centroids.size
    for impf_id in np.unique(exposures.impf_id[located]):
        function = functions.get(hazard.haz_type, int(impf_id))
        if not function.harmless_at_zero:
            raise ImpactFunctionError(
                f"impact function {hazard.haz_type} {impf_id}: MDR(0) = "
                f"{function.mdr(np.array([0.0]))[0]:g}; expected 0 (zero intensity, no impact), "
                "since intensities that are not stored are zero"
            )
        assets = np.flatnonzero(located & (exposures.impf_id == impf_id))
        where = centroid[assets]
        weights = np.zeros((n_centroids, n_parties))
        for party in range(n_parties):
            mine = party_code[assets] == party
            weights[:, party] = np.bincount(
                where[mine], weights=exposures.value[assets][mine], minlength=n_centroids
            )
        used = np.zeros(n_centroids, dtype=bool)
        used[where] = True
        groups.append(_FunctionGroup(function, assets, weights, None if used.all() else used))
    return groups


def insured_impact(
    hazard: Hazard,
    exposures: Exposures,
    functions: ImpactFuncSet,
    centroid: np.ndarray,
    party_code: np.ndarray,
    n_parties: int,
    chunk_nnz: int = DEFAULT_CHUNK_NNZ,
) -> tuple[np.ndarray, np.ndarray]:
    """The insured part of the impact, (events × parties, per-asset EAI), as CLIMADA's
    ``ImpactCalc`` computes it with deductible D and cover C per asset:

        insured[e, a] = min(max(impact[e, a] − D[a] · PAA_f(I[e, c]), 0), C[a])

    with the deductible scaled by PAA only (not by MDD or the fraction), at the stored
    intensities (climada/engine/impact_calc.py, ``apply_deductible_to_mat`` and
    ``apply_cover_to_mat``, CLIMADA 6.1). Assets without a deductible have D = 0, without
    a cover C = their value. Unlike CLIMADA, which clips at 0 only when a cover column
    exists, the insured impact is never negative.
    """
    deductible = (
        exposures.deductible if exposures.deductible is not None else np.zeros(exposures.size)
    )
    cover = exposures.cover if exposures.cover is not None else exposures.value
    at_event = np.zeros((hazard.size, n_parties))
    eai = np.zeros(exposures.size)
    located = centroid != NO_CENTROID
    for start, stop in event_chunks(hazard.intensity, chunk_nnz):
        intensity = _rows(hazard.intensity, start, stop).tocsc()
        fraction = (
            _rows(hazard.fraction, start, stop).tocsc() if hazard.fraction is not None else None
        )
        frequency = hazard.frequency[start:stop]
        for impf_id in np.unique(exposures.impf_id[located]):
            function = functions.get(hazard.haz_type, int(impf_id))
            assets = np.flatnonzero(located & (exposures.impf_id == impf_id))
            per_asset = intensity[:, centroid[assets]]  # one column per asset
            stored = np.diff(per_asset.indptr)
            paa = function.paa_at(per_asset.data)
            impact = function.mdr(per_asset.data) * np.repeat(exposures.value[assets], stored)
            if fraction is not None:  # the fraction at each stored intensity (0 if none)
                column = np.repeat(np.arange(len(assets)), stored)
                share = fraction[:, centroid[assets]][per_asset.indices, column]
                impact *= np.asarray(share).ravel()
            insured = np.minimum(
                np.maximum(impact - np.repeat(deductible[assets], stored) * paa, 0.0),
                np.repeat(cover[assets], stored),
            )
            per_asset = sp.csc_matrix(
                (insured, per_asset.indices, per_asset.indptr), shape=per_asset.shape
            )
            at_event[start:stop] += per_asset @ np.eye(n_parties)[party_code[assets]]
            eai[assets] += per_asset.T @ frequency
    return at_event, eai
