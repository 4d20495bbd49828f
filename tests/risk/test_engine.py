"""The impact engine on cases small enough to compute by hand."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.risk import engine
from bordercompact.risk.engine import MDR_BLOCK, compute_impact, event_chunks
from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet, ImpactFunctionError

# MDR rises linearly from 0 at 0 m to 1 at 2 m (MDD 0→1, PAA 1).
LINEAR = ImpactFunc("FL", 1, np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0]))
# MDD 0.5 everywhere above 0, PAA rising 0→1 at 1 m: MDR(0.5) = 0.5 · 0.5.
HALF = ImpactFunc("FL", 2, np.array([0.0, 1.0]), np.array([0.0, 0.5]), np.array([0.0, 1.0]))
FUNCTIONS = ImpactFuncSet([LINEAR, HALF])


def _hazard(intensity: list[list[float]], frequency: list[float]) -> Hazard:
    matrix = sp.csr_matrix(np.array(intensity))
    n_events, n_centroids = matrix.shape
    return Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(
            np.arange(n_centroids), np.zeros(n_centroids), np.arange(n_centroids) * 0.01
        ),
        event_id=np.arange(1, n_events + 1),
        frequency=np.array(frequency),
        intensity=matrix,
    )


def _exposures(
    values: list[float], impf: list[int], parties: list[str], **extra: object
) -> Exposures:
    n = len(values)
    return Exposures(
        asset_id=np.arange(n),
        lat=np.zeros(n),
        lon=np.zeros(n),
        value=np.array(values, float),
        impf_id=np.array(impf),
        party=np.array(parties, dtype=object),
        **extra,  # type: ignore[arg-type]
    )


# Two events, three centroids: event 1 floods c0 1 m and c1 2 m; event 2 floods c1 0.5 m.
HAZARD = _hazard([[1.0, 2.0, 0.0], [0.0, 0.5, 0.0]], [0.1, 0.02])
# a0 (100, north) at c0; a1 (200, south) at c1; a2 (50, north, HALF) at c1; a3 at c2 (dry).
ASSETS = _exposures([100, 200, 50, 1000], [1, 1, 2, 1], ["north", "south", "north", "south"])
CENTROID = np.array([0, 1, 1, 2])


def test_event_impacts_per_party_by_hand() -> None:
    result = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID)
    assert result.parties == ("north", "south")
    # event 1: a0 100·0.5 = 50; a1 200·1 = 200; a2 50·0.5·1 = 25
    # event 2: a1 200·0.25 = 50; a2 50·(0.25·0.5) = 6.25
    np.testing.assert_allclose(result.at_event_by_party, [[75.0, 200.0], [6.25, 50.0]])
    np.testing.assert_allclose(result.at_event, [275.0, 56.25])


def test_expected_annual_impact_per_asset_party_and_total_by_hand() -> None:
    result = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID)
    np.testing.assert_allclose(result.eai_exp, [5.0, 20 + 1.0, 2.5 + 0.125, 0.0])
    assert result.aai_agg == pytest.approx(0.1 * 275 + 0.02 * 56.25)
    assert result.aai_by_party() == pytest.approx({"north": 7.625, "south": 21.0})
    assert result.aai_agg == pytest.approx(result.eai_exp.sum())


def test_assets_without_a_centroid_have_no_impact() -> None:
    centroid = np.array([0, NO_CENTROID, 1, 2])
    result = compute_impact(HAZARD, ASSETS, FUNCTIONS, centroid)
    assert result.eai_exp[1] == 0.0
    np.testing.assert_allclose(result.at_event_by_party[:, 1], [0.0, 0.0])


def test_no_asset_with_a_centroid_gives_zero_impacts_and_no_progress() -> None:
    calls: list[tuple[int, int]] = []
    result = compute_impact(
        HAZARD,
        ASSETS,
        FUNCTIONS,
        np.full(4, NO_CENTROID),
        progress=lambda done, total: calls.append((done, total)),
    )
    np.testing.assert_array_equal(result.at_event_by_party, np.zeros((2, 2)))
    np.testing.assert_array_equal(result.eai_exp, np.zeros(4))
    assert calls == []


def test_chunks_of_one_event_give_the_same_numbers() -> None:
    whole = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID)
    chunked = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID, chunk_nnz=1)
    np.testing.assert_allclose(chunked.at_event_by_party, whole.at_event_by_party, rtol=1e-12)
    np.testing.assert_allclose(chunked.eai_exp, whole.eai_exp, rtol=1e-12)
    assert list(event_chunks(HAZARD.intensity, 1)) == [(0, 1), (1, 2)]


def test_fraction_scales_the_impact() -> None:
    hazard = _hazard([[1.0, 2.0, 0.0], [0.0, 0.5, 0.0]], [0.1, 0.02])
    fraction = sp.csr_matrix(np.array([[0.5, 1.0, 0.0], [0.0, 0.2, 0.0]]))
    hazard = Hazard(
        hazard.haz_type,
        hazard.units,
        hazard.centroids,
        hazard.event_id,
        hazard.frequency,
        hazard.intensity,
        fraction=fraction,
    )
    result = compute_impact(hazard, ASSETS, FUNCTIONS, CENTROID)
    np.testing.assert_allclose(result.at_event_by_party, [[50.0, 200.0], [1.25, 10.0]])


def test_impact_is_linear_in_value_and_eai_linear_in_frequency() -> None:
    base = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID)
    doubled = _exposures([200, 400, 100, 2000], [1, 1, 2, 1], ["north", "south", "north", "south"])
    np.testing.assert_allclose(
        compute_impact(HAZARD, doubled, FUNCTIONS, CENTROID).at_event, 2 * base.at_event
    )
    tripled = Hazard(
        "FL", "m", HAZARD.centroids, HAZARD.event_id, 3 * HAZARD.frequency, HAZARD.intensity
    )
    np.testing.assert_allclose(
        compute_impact(tripled, ASSETS, FUNCTIONS, CENTROID).eai_exp, 3 * base.eai_exp
    )


def test_a_function_with_damage_at_zero_intensity_is_refused() -> None:
    wrong = ImpactFunc("FL", 3, np.array([0.0, 1.0]), np.array([0.1, 1.0]), np.array([1.0, 1.0]))
    assets = _exposures([100], [3], ["north"])
    with pytest.raises(ImpactFunctionError, match=r"MDR\(0\) = 0\.1"):
        compute_impact(HAZARD, assets, ImpactFuncSet([wrong]), np.array([0]))


def test_return_period_impacts_interpolate_the_exceedance_curve() -> None:
    result = compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID)
    # exceedance: 275 at f=0.1 (10 y), 56.25 at f=0.12 (8.33 y)
    rp = result.return_period_impacts((10.0, 9.0, 100.0))
    assert rp["total"]["10"] == pytest.approx(275.0)
    assert rp["total"]["100"] == pytest.approx(275.0)  # beyond the curve: its end value
    expected_9 = np.interp(9.0, [1 / 0.12, 10.0], [56.25, 275.0])
    assert rp["total"]["9"] == pytest.approx(expected_9)


def test_insured_impact_with_deductible_and_cover_by_hand() -> None:
    assets = _exposures(
        [100, 200, 50, 1000],
        [1, 1, 2, 1],
        ["north", "south", "north", "south"],
        deductible=np.array([10.0, 0.0, 20.0, 0.0]),
        cover=np.array([100.0, 150.0, 50.0, 1000.0]),
    )
    result = compute_impact(HAZARD, assets, FUNCTIONS, CENTROID)
    assert result.insured_at_event_by_party is not None and result.insured_eai_exp is not None
    # event 1: a0 max(50 − 10·1, 0) = 40; a1 min(200, 150) = 150; a2 max(25 − 20·1, 0) = 5
    # event 2: a1 50; a2 max(6.25 − 20·0.5, 0) = 0   (PAA(0.5) = 0.5 for HALF)
    np.testing.assert_allclose(result.insured_at_event_by_party, [[45.0, 150.0], [0.0, 50.0]])
    np.testing.assert_allclose(result.insured_eai_exp, [4.0, 15.0 + 1.0, 0.5, 0.0])
    np.testing.assert_allclose(result.at_event, [275.0, 56.25])  # the gross impact is unchanged


def test_insured_impact_without_deductible_or_cover_limit_equals_gross_with_fraction() -> None:
    fraction = sp.csr_matrix(np.array([[0.5, 1.0, 0.0], [0.0, 0.2, 0.0]]))
    hazard = Hazard(
        HAZARD.haz_type,
        HAZARD.units,
        HAZARD.centroids,
        HAZARD.event_id,
        HAZARD.frequency,
        HAZARD.intensity,
        fraction=fraction,
    )
    assets = _exposures(
        [100, 200, 50, 1000],
        [1, 1, 2, 1],
        ["north", "south", "north", "south"],
        deductible=np.zeros(4),
    )
    result = compute_impact(hazard, assets, FUNCTIONS, CENTROID)
    np.testing.assert_allclose(result.insured_at_event_by_party, result.at_event_by_party)
    np.testing.assert_allclose(result.insured_eai_exp, result.eai_exp)


def test_progress_is_reported_after_each_chunk_in_event_order() -> None:
    calls: list[tuple[int, int]] = []
    compute_impact(
        HAZARD,
        ASSETS,
        FUNCTIONS,
        CENTROID,
        chunk_nnz=1,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 2), (2, 2)]


def test_chunks_of_one_event_give_the_same_insured_numbers() -> None:
    assets = _exposures(
        [100, 200, 50, 1000],
        [1, 1, 2, 1],
        ["north", "south", "north", "south"],
        deductible=np.array([10.0, 0.0, 20.0, 0.0]),
        cover=np.array([100.0, 150.0, 50.0, 1000.0]),
    )
    whole = compute_impact(HAZARD, assets, FUNCTIONS, CENTROID)
    chunked = compute_impact(HAZARD, assets, FUNCTIONS, CENTROID, chunk_nnz=1)
    assert chunked.insured_at_event_by_party is not None
    assert chunked.insured_eai_exp is not None
    np.testing.assert_allclose(chunked.insured_at_event_by_party, [[45.0, 150.0], [0.0, 50.0]])
    np.testing.assert_allclose(chunked.insured_eai_exp, [4.0, 16.0, 0.5, 0.0])
    np.testing.assert_array_equal(chunked.insured_eai_exp, whole.insured_eai_exp)


def test_matches_the_definition_with_dry_centroids_fraction_and_many_blocks() -> None:
    """impact[e, a] = value[a] · MDR_f(I[e, c]) · fraction[e, c], summed by party and
    weighted by frequency, computed densely, against the engine on more stored intensities
    than one damage-ratio block, on centroids of which only some carry assets."""
    rng = np.random.default_rng(11)
    n_events, n_centroids, n_assets = 60, 4000, 900
    intensity = sp.random(n_events, n_centroids, density=0.4, format="csr", random_state=rng)
    intensity.data *= 3.0
    assert intensity.nnz > MDR_BLOCK
    fraction = intensity.copy()
    fraction.data = rng.uniform(0.1, 1.0, fraction.nnz)
    hazard = Hazard(
        "FL",
        "m",
        Centroids(np.arange(n_centroids), np.zeros(n_centroids), np.zeros(n_centroids)),
        np.arange(1, n_events + 1),
        rng.uniform(0.001, 0.1, n_events),
        intensity,
        fraction=fraction,
    )
    centroid = rng.integers(0, n_centroids // 3, n_assets)  # two thirds of them dry of assets
    assets = _exposures(
        list(rng.uniform(1e3, 1e6, n_assets)),
        list(rng.integers(1, 3, n_assets)),
        list(rng.choice(["north", "south", "west"], n_assets)),
    )
    result = compute_impact(hazard, assets, FUNCTIONS, centroid, chunk_nnz=40_000)

    dense_intensity = intensity.toarray()[:, centroid]
    ratio = np.where(
        assets.impf_id == 1,
        LINEAR.mdr(dense_intensity.ravel()).reshape(dense_intensity.shape),
        HALF.mdr(dense_intensity.ravel()).reshape(dense_intensity.shape),
    )
    impact = assets.value * ratio * fraction.toarray()[:, centroid]  # events × assets
    expected = np.stack([impact[:, assets.party == p].sum(axis=1) for p in result.parties], 1)
    np.testing.assert_allclose(result.at_event_by_party, expected, rtol=1e-12)
    np.testing.assert_allclose(result.eai_exp, hazard.frequency @ impact, rtol=1e-12)


def test_a_hazard_above_one_chunk_is_cut_into_chunks_for_every_core(monkeypatch) -> None:
    monkeypatch.setattr(engine, "ONE_CHUNK_NNZ", 2)
    calls: list[tuple[int, int]] = []
    compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID, progress=lambda *done: calls.append(done))
    assert calls == [(1, 2), (2, 2)]  # 3 stored intensities: chunks of ⌈3 / MIN_CHUNKS⌉


def test_a_small_hazard_is_one_chunk_run_without_threads() -> None:
    calls: list[tuple[int, int]] = []
    compute_impact(HAZARD, ASSETS, FUNCTIONS, CENTROID, progress=lambda *done: calls.append(done))
    assert calls == [(2, 2)]
