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
break the linearity; insured assets are computed one by one, in the same chunks (see
:func:`insured_impact`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
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

#: Stored intensities per chunk of events. Each worker thread keeps 8 bytes per stored
#: intensity of a chunk (its damage ratios), and each chunk's result one float per centroid
#: and impact function. On 2 cores with 1e8 stored values, chunks of 2.5 and 10 million
#: ran about equally fast, chunks of 1 million 20 % slower (more per-centroid results).
DEFAULT_CHUNK_NNZ = 10_000_000
#: Fewest chunks a hazard is cut into (when it has as many events), so that every core
#: takes part also in hazards of less than a few chunks. A constant, not the number of
#: cores, so that every machine and a Dask cluster add up the same chunks.
MIN_CHUNKS = 8
#: A hazard with at most this many stored intensities is one chunk, run in the calling
#: thread: below it, starting threads costs more than they save (a measure's re-run on
#: the few centroids it touches). A constant, for the same reason as MIN_CHUNKS.
ONE_CHUNK_NNZ = 100_000
#: Stored intensities per block in which damage ratios are interpolated. NumPy's
#: temporaries for a block (512 KiB) are recycled by the allocator; chunk-sized ones would
#: be fresh memory each time, whose page faults cost about as much as the interpolation.
MDR_BLOCK = 65_536
#: Party label of assets that belong to none.
NO_PARTY = "(none)"

#: Called as ``progress(done_events, total_events)`` after each chunk of events.
Progress = Callable[[int, int], None]


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
    progress: Progress | None = None,
) -> ImpactResult:
    """Impacts of ``hazard`` on ``exposures``; ``centroid`` gives each asset's centroid
    (index into the hazard's centroids, :data:`NO_CENTROID` for none).

    Chunks hold at most ``chunk_nnz`` stored intensities, and a hazard is cut into at least
    :data:`MIN_CHUNKS` of them, unless it has at most :data:`ONE_CHUNK_NNZ` (one chunk, in
    the calling thread). With a ``dask.distributed.Client``, the chunks of events run
    on its workers; their results are added up in chunk order either way, so the numbers
    are the same.
    ``progress``, when given, is called as ``progress(done_events, total_events)`` after
    each chunk, in event order.
    """
    parties, party_code = party_codes(exposures.party)
    groups = _function_groups(hazard, exposures, functions, centroid, party_code, len(parties))
    at_event = np.zeros((hazard.size, len(parties)))
    sensitivity = [np.zeros(hazard.centroids.size) for _ in groups]
    insured_at_event = np.zeros((hazard.size, len(parties)))
    insured_eai = np.zeros(exposures.size)
    nnz = hazard.intensity.nnz
    spread = nnz if nnz <= ONE_CHUNK_NNZ else -(-nnz // MIN_CHUNKS)
    per_chunk = min(chunk_nnz, spread or 1)
    chunks = list(event_chunks(hazard.intensity, per_chunk)) if groups else []
    for (start, stop), chunk in zip(
        chunks, _run_chunks(hazard, chunks, groups, client), strict=True
    ):
        at_event[start:stop] = chunk.at_event
        for total, part in zip(sensitivity, chunk.sensitivity, strict=True):
            total += part
        if chunk.insured is not None:
            chunk_insured_at_event, chunk_insured_eai = chunk.insured
            insured_at_event[start:stop] = chunk_insured_at_event
            for group, per_asset in zip(groups, chunk_insured_eai, strict=True):
                insured_eai[group.assets] += per_asset
        if progress is not None:
            progress(stop, hazard.size)
    eai = np.zeros(exposures.size)
    for group, per_centroid in zip(groups, sensitivity, strict=True):
        eai[group.assets] = exposures.value[group.assets] * per_centroid[centroid[group.assets]]
    return ImpactResult(
        haz_type=hazard.haz_type,
        scenario=hazard.scenario,
        event_id=hazard.event_id,
        frequency=hazard.frequency,
        parties=parties,
        at_event_by_party=at_event,
        eai_exp=eai,
        insured_at_event_by_party=insured_at_event if exposures.insured else None,
        insured_eai_exp=insured_eai if exposures.insured else None,
    )


@dataclass(frozen=True)
class _InsuredAssets:
    """The assets of one impact function with their terms of insurance, one by one."""

    function: ImpactFunc
    centroid: np.ndarray  # of each asset
    value: np.ndarray
    deductible: np.ndarray  # 0 where none is given
    cover: np.ndarray  # the value where none is given
    party: np.ndarray  # assets × parties: 1 in the column of the asset's party


@dataclass(frozen=True)
class _FunctionGroup:
    """The assets of one impact function, their values summed per (centroid, party)."""

    function: ImpactFunc
    assets: np.ndarray  # positions of the assets in the exposures
    weights: np.ndarray  # centroids × parties, Fortran order: summed values (0 where none)
    used: np.ndarray | None  # per centroid, whether an asset stands there; None: all do
    insurance: _InsuredAssets | None  # None: the exposures carry no insurance


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk of events contributes (see :func:`chunk_impact`)."""

    at_event: np.ndarray  # the chunk's events × parties
    sensitivity: list[np.ndarray]  # per function group, per centroid
    insured: tuple[np.ndarray, list[np.ndarray]] | None  # see :func:`insured_impact`


def _run_chunks(
    hazard: Hazard, chunks: list[tuple[int, int]], groups: list[_FunctionGroup], client: Any
) -> Iterator[ChunkResult]:
    """The results of :func:`chunk_impact` for each chunk, in chunk order."""

    def rows(start: int, stop: int) -> tuple[sp.csr_matrix, sp.csr_matrix | None, np.ndarray]:
        fraction = _rows(hazard.fraction, start, stop) if hazard.fraction is not None else None
        return _rows(hazard.intensity, start, stop), fraction, hazard.frequency[start:stop]

    if client is None:
        # NumPy's and SciPy's loops release the GIL: one thread per core, each with a
        # workspace of its own that serves all its chunks (fresh memory for every chunk
        # costs page faults, which cost as much as the interpolation)
        indptr = hazard.intensity.indptr
        largest = max((int(indptr[stop] - indptr[start]) for start, stop in chunks), default=0)
        per_thread = threading.local()

        def run(bounds: tuple[int, int]) -> ChunkResult:
            if not hasattr(per_thread, "workspace"):
                per_thread.workspace = np.empty(largest)
            return chunk_impact(*rows(*bounds), groups, per_thread.workspace)

        if len(chunks) == 1:
            yield run(chunks[0])
            return

        with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1) or 1) as pool:
            yield from pool.map(run, chunks)
        return
    shared = client.scatter(groups, broadcast=True)
    futures = [client.submit(chunk_impact, *rows(a, b), shared, pure=False) for a, b in chunks]
    for future in futures:
        yield future.result()


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
    workspace: np.ndarray | None = None,
) -> ChunkResult:
    """One chunk of events: its impacts per event and party, per impact function the
    contribution Σ_e f_e · MDR(I[e, c]) · fraction[e, c] of its events to each centroid,
    and the insured part (when the groups carry insurance terms). ``workspace``, at least
    as long as the chunk's stored intensities, receives the damage ratios (allocated when
    not given).

    Each party's impacts are a product with one contiguous column of the weights: SciPy's
    product with several columns at once takes four times as long.
    """
    share = _aligned_fraction(intensity, fraction)
    ratio = (np.empty(intensity.nnz) if workspace is None else workspace)[: intensity.nnz]
    at_event = np.zeros((intensity.shape[0], groups[0].weights.shape[1]))
    sensitivity = []
    for group in groups:
        _damage_ratio(group.function, intensity, group.used, ratio)
        if share is not None:
            ratio *= share
        damage = sp.csr_matrix((ratio, intensity.indices, intensity.indptr), shape=intensity.shape)
        for party, weights in enumerate(group.weights.T):
            at_event[:, party] += damage @ weights
        sensitivity.append(damage.T @ frequency)
    insured = [group.insurance for group in groups if group.insurance is not None]
    return ChunkResult(
        at_event,
        sensitivity,
        insured_impact(intensity, fraction, frequency, insured) if insured else None,
    )


def _damage_ratio(
    function: ImpactFunc, intensity: sp.csr_matrix, used: np.ndarray | None, out: np.ndarray
) -> None:
    """MDR_f at each stored intensity of a chunk, written into ``out``; 0 at centroids
    where no asset stands (``used`` False), which are not interpolated."""
    for low in range(0, intensity.nnz, MDR_BLOCK):
        high = min(low + MDR_BLOCK, intensity.nnz)
        stored = intensity.data[low:high]
        if used is None:
            out[low:high] = function.mdr(stored)
            continue
        here = used[intensity.indices[low:high]]
        out[low:high] = 0.0
        out[low:high][here] = function.mdr(stored[here])


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
    millions of assets in well under a second). Labels are compared as text, a missing
    one is :data:`NO_PARTY`; only the distinct labels are converted."""
    codes, uniques = pd.factorize(party, use_na_sentinel=False)
    labels = pd.Series(uniques, dtype=object).fillna(NO_PARTY).astype(str).to_numpy(str)
    parties, position = np.unique(labels, return_inverse=True)
    return tuple(str(p) for p in parties), position[codes]


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
    for impf_id in np.sort(pd.unique(exposures.impf_id[located])):
        function = functions.get(hazard.haz_type, int(impf_id))
        if not function.harmless_at_zero:
            raise ImpactFunctionError(
                f"impact function {hazard.haz_type} {impf_id}: MDR(0) = "
                f"{function.mdr(np.array([0.0]))[0]:g}; expected 0 (zero intensity, no impact), "
                "since intensities that are not stored are zero"
            )
        assets = np.flatnonzero(located & (exposures.impf_id == impf_id))
        where = centroid[assets]
        # one bin per (party, centroid): the transposed parties × centroids table is the
        # centroids × parties one in Fortran order, each party's column contiguous
        weights = (
            np.bincount(
                party_code[assets] * n_centroids + where,
                weights=exposures.value[assets],
                minlength=n_parties * n_centroids,
            )
            .reshape(n_parties, n_centroids)
            .T
        )
        used = np.zeros(n_centroids, dtype=bool)
        used[where] = True
        groups.append(
            _FunctionGroup(
                function,
                assets,
                weights,
                None if used.all() else used,
                _insured_assets(exposures, function, assets, where, party_code, n_parties),
            )
        )
    return groups


def _insured_assets(
    exposures: Exposures,
    function: ImpactFunc,
    assets: np.ndarray,
    centroid: np.ndarray,
    party_code: np.ndarray,
    n_parties: int,
) -> _InsuredAssets | None:
    """The terms of ``assets`` (their centroids ``centroid``); None without insurance."""
    if not exposures.insured:
        return None
    deductible = exposures.deductible
    cover = exposures.cover
    return _InsuredAssets(
        function=function,
        centroid=centroid,
        value=exposures.value[assets],
        deductible=deductible[assets] if deductible is not None else np.zeros(len(assets)),
        cover=cover[assets] if cover is not None else exposures.value[assets],
        party=np.eye(n_parties)[party_code[assets]],
    )


def insured_impact(
    intensity: sp.csr_matrix,
    fraction: sp.csr_matrix | None,
    frequency: np.ndarray,
    groups: list[_InsuredAssets],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The insured part of the impact of a chunk of events: (its events × parties, per
    group of assets the contribution Σ_e f_e · insured[e, a] to each asset's EAI), as
    CLIMADA's ``ImpactCalc`` computes it with deductible D and cover C per asset:

        insured[e, a] = min(max(impact[e, a] − D[a] · PAA_f(I[e, c]), 0), C[a])

    with the deductible scaled by PAA only (not by MDD or the fraction), at the stored
    intensities (climada/engine/impact_calc.py, ``apply_deductible_to_mat`` and
    ``apply_cover_to_mat``, CLIMADA 6.1). Assets without a deductible have D = 0, without
    a cover C = their value. Unlike CLIMADA, which clips at 0 only when a cover column
    exists, the insured impact is never negative.
    """
    by_centroid = intensity.tocsc()
    fraction_by_centroid = fraction.tocsc() if fraction is not None else None
    at_event = np.zeros((intensity.shape[0], groups[0].party.shape[1]))
    eai = []
    for terms in groups:
        per_asset = by_centroid[:, terms.centroid]  # one column per asset
        stored = np.diff(per_asset.indptr)
        paa = terms.function.paa_at(per_asset.data)
        impact = terms.function.mdr(per_asset.data) * np.repeat(terms.value, stored)
        if fraction_by_centroid is not None:  # the fraction at each stored intensity (0 if none)
            column = np.repeat(np.arange(len(terms.centroid)), stored)
            share = fraction_by_centroid[:, terms.centroid][per_asset.indices, column]
            impact *= np.asarray(share).ravel()
        insured = np.minimum(
            np.maximum(impact - np.repeat(terms.deductible, stored) * paa, 0.0),
            np.repeat(terms.cover, stored),
        )
        per_asset = sp.csc_matrix(
            (insured, per_asset.indices, per_asset.indptr), shape=per_asset.shape
        )
        at_event += per_asset @ terms.party
        eai.append(per_asset.T @ frequency)
    return at_event, eai
