"""Insured exposures on a Dask cluster: the same chunks give the same gross and insured
numbers as in-process, and progress is reported chunk by chunk."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.risk.engine import compute_impact, event_chunks
from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

distributed = pytest.importorskip("distributed")


def _insured_case(seed: int = 5) -> tuple[Hazard, Exposures, ImpactFuncSet, np.ndarray]:
    """Random flood events with a fraction, two curves (one with PAA below 1, so that the
    deductible is scaled), and assets with deductibles and covers, some without a
    centroid."""
    rng = np.random.default_rng(seed)
    n_events, n_centroids, n_assets = 300, 800, 5000
    intensity = sp.random(n_events, n_centroids, density=0.05, format="csr", random_state=rng)
    intensity.data *= 4.0
    fraction = intensity.copy()
    fraction.data = rng.uniform(0.2, 1.0, fraction.nnz)
    hazard = Hazard(
        "FL",
        "m",
        Centroids(np.arange(n_centroids), np.zeros(n_centroids), np.zeros(n_centroids)),
        np.arange(n_events),
        rng.uniform(0.001, 0.05, n_events),
        intensity,
        fraction=fraction,
    )
    functions = ImpactFuncSet(
        ImpactFunc(
            "FL",
            i,
            np.array([0.0, 1.0, 3.0]),
            np.array([0.0, 0.3 * i, 0.9]),
            np.array([0.0, 0.5 * i, 1.0]),
        )
        for i in (1, 2)
    )
    value = rng.uniform(1e4, 1e6, n_assets)
    exposures = Exposures(
        asset_id=np.arange(n_assets),
        lat=np.zeros(n_assets),
        lon=np.zeros(n_assets),
        value=value,
        impf_id=rng.integers(1, 3, n_assets),
        party=rng.choice(np.array(["ch", "de", "fr"], dtype=object), n_assets),
        deductible=value * rng.uniform(0.0, 0.2, n_assets),
        cover=value * rng.uniform(0.2, 1.0, n_assets),
    )
    centroid = rng.integers(0, n_centroids, n_assets)
    centroid[:100] = NO_CENTROID
    return hazard, exposures, functions, centroid


@pytest.mark.slow
def test_local_cluster_matches_in_process_for_insured_exposures() -> None:
    hazard, exposures, functions, centroid = _insured_case()
    local = compute_impact(hazard, exposures, functions, centroid, chunk_nnz=1_000)
    progress: list[tuple[int, int]] = []
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = compute_impact(
            hazard,
            exposures,
            functions,
            centroid,
            chunk_nnz=1_000,
            client=client,
            progress=lambda done, total: progress.append((done, total)),
        )
    assert local.insured_at_event_by_party is not None and local.insured_eai_exp is not None
    assert remote.insured_at_event_by_party is not None and remote.insured_eai_exp is not None
    # the terms bite: the insured part is positive and below the gross impact
    assert 0 < local.insured_eai_exp.sum() < 0.9 * local.eai_exp.sum()
    np.testing.assert_allclose(
        remote.insured_at_event_by_party, local.insured_at_event_by_party, rtol=1e-9
    )
    np.testing.assert_allclose(remote.insured_eai_exp, local.insured_eai_exp, rtol=1e-9)
    np.testing.assert_allclose(remote.at_event_by_party, local.at_event_by_party, rtol=1e-9)
    np.testing.assert_allclose(remote.eai_exp, local.eai_exp, rtol=1e-9)
    assert progress == [
        (stop, hazard.size) for _, stop in event_chunks(hazard.intensity, chunk_nnz=1_000)
    ]
    assert len(progress) > 1
