"""The same chunks of events on a Dask cluster give the same numbers as in-process."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.risk.engine import compute_impact
from bordercompact.risk.exposure import Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

distributed = pytest.importorskip("distributed")


def _random_case(seed: int = 3) -> tuple[Hazard, Exposures, ImpactFuncSet, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_events, n_centroids, n_assets = 300, 800, 5000
    intensity = sp.random(n_events, n_centroids, density=0.05, format="csr", random_state=rng)
    intensity.data *= 4.0
    hazard = Hazard(
        "FL",
        "m",
        Centroids(np.arange(n_centroids), np.zeros(n_centroids), np.zeros(n_centroids)),
        np.arange(n_events),
        rng.uniform(0.001, 0.05, n_events),
        intensity,
    )
    functions = ImpactFuncSet(
        ImpactFunc(
            "FL",
            i,
            np.array([0.0, 1.0, 3.0]),
            np.array([0.0, 0.3 * i, 0.9]),
            np.array([1.0, 1.0, 1.0]),
        )
        for i in (1, 2)
    )
    exposures = Exposures(
        asset_id=np.arange(n_assets),
        lat=np.zeros(n_assets),
        lon=np.zeros(n_assets),
        value=rng.uniform(1e4, 1e6, n_assets),
        impf_id=rng.integers(1, 3, n_assets),
        party=rng.choice(np.array(["ch", "de", "fr"], dtype=object), n_assets),
    )
    return hazard, exposures, functions, rng.integers(0, n_centroids, n_assets)


@pytest.mark.slow
def test_local_cluster_with_two_processes_matches_in_process() -> None:
    hazard, exposures, functions, centroid = _random_case()
    local = compute_impact(hazard, exposures, functions, centroid, chunk_nnz=2_000)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = compute_impact(
            hazard, exposures, functions, centroid, chunk_nnz=2_000, client=client
        )
    assert local.aai_agg > 0
    np.testing.assert_allclose(remote.at_event_by_party, local.at_event_by_party, rtol=1e-9)
    np.testing.assert_allclose(remote.eai_exp, local.eai_exp, rtol=1e-9)
    assert remote.aai_by_party() == pytest.approx(local.aai_by_party(), rel=1e-9)
    assert remote.return_period_impacts() == local.return_period_impacts()
