"""Measures applied together, re-run only where they touch: the same as a full re-run, and
interacting measures are not additive."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.measures.apply import (
    ZoneHazard,
    ZoneReduction,
    ZoneVulnerability,
    apply_measures,
    avoided_impact,
    intensity_by_centroid,
    touched_assets,
)
from bordercompact.measures.effects import IntensityChange, changed_events
from bordercompact.risk.engine import compute_impact
from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.pipeline import EngineInputs
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

N_EVENTS, N_CENTROIDS, N_ASSETS = 60, 40, 300


def random_line(seed: int = 4) -> EngineInputs:
    rng = np.random.default_rng(seed)
    intensity = sp.random(N_EVENTS, N_CENTROIDS, density=0.3, random_state=rng, format="csr")
    intensity.data *= 4.0
    hazard = Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(
            np.arange(N_CENTROIDS), lat=np.zeros(N_CENTROIDS), lon=np.zeros(N_CENTROIDS)
        ),
        event_id=np.arange(1, N_EVENTS + 1),
        frequency=rng.uniform(0.001, 0.05, N_EVENTS),
        intensity=intensity,
    )
    depths = np.array([0.0, 0.5, 1.0, 2.0, 4.0])
    functions = ImpactFuncSet(
        [
            ImpactFunc("FL", 1, depths, np.array([0, 0.2, 0.4, 0.7, 1.0]), np.ones(5)),
            ImpactFunc("FL", 2, depths, np.array([0, 0.1, 0.3, 0.5, 0.9]), np.full(5, 0.8)),
        ]
    )
    exposures = Exposures(
        asset_id=np.arange(N_ASSETS).astype(str),
        lat=np.zeros(N_ASSETS),
        lon=np.zeros(N_ASSETS),
        value=rng.uniform(1e4, 1e6, N_ASSETS),
        impf_id=rng.integers(1, 3, N_ASSETS),
        party=rng.choice(["north", "south"], N_ASSETS).astype(object),
    )
    centroid = rng.integers(0, N_CENTROIDS, N_ASSETS)
    centroid[:5] = NO_CENTROID
    return EngineInputs(hazard, exposures, functions, centroid)


def full_avoided(inputs: EngineInputs, effects) -> dict[str, float]:
    after = apply_measures(inputs, effects)
    before = compute_impact(inputs.hazard, inputs.exposures, inputs.functions, inputs.centroid)
    done = compute_impact(after.hazard, after.exposures, after.functions, after.centroid)
    return {p: before.aai_by_party()[p] - done.aai_by_party()[p] for p in before.aai_by_party()}


def levee(inputs: EngineInputs) -> ZoneHazard:
    inside = np.zeros(N_CENTROIDS, dtype=bool)
    inside[:15] = True
    return ZoneHazard(inside, IntensityChange(scale=0.0, up_to_return_period=50))


def floodproofing(inputs: EngineInputs) -> ZoneVulnerability:
    assets = np.zeros(N_ASSETS, dtype=bool)
    assets[::3] = True
    return ZoneVulnerability(assets, mdd=(0.5, 0.0), paa=(1.0, 0.0))


def buy_out(inputs: EngineInputs) -> ZoneReduction:
    assets = np.zeros(N_ASSETS, dtype=bool)
    assets[100:120] = True
    return ZoneReduction(assets, share=1.0)


@pytest.mark.parametrize("make", [levee, floodproofing, buy_out])
def test_a_rerun_on_the_touched_assets_equals_a_full_rerun(make) -> None:
    inputs = random_line()
    effects = [make(inputs)]
    incremental = avoided_impact(inputs, effects).avoided_by_party()
    full = full_avoided(inputs, effects)
    for party, value in full.items():
        assert incremental.get(party, 0.0) == pytest.approx(value, rel=1e-9, abs=1e-6)
    assert sum(full.values()) > 0


def test_overlapping_measures_are_not_additive_and_their_pair_is_computed_exactly() -> None:
    # floodproofing behind a levee is worth less than floodproofing alone
    inputs = random_line()
    pair = [levee(inputs), floodproofing(inputs)]
    alone = [sum(avoided_impact(inputs, [e]).avoided_by_party().values()) for e in pair]
    together = avoided_impact(inputs, pair).avoided_by_party()
    assert sum(together.values()) < sum(alone) - 1.0
    for party, value in full_avoided(inputs, pair).items():
        assert together[party] == pytest.approx(value, rel=1e-9)


def test_only_assets_on_changed_centroids_or_named_are_touched() -> None:
    inputs = random_line()
    touched = touched_assets(inputs, [levee(inputs)])
    expected = (inputs.centroid != NO_CENTROID) & (inputs.centroid < 15)
    np.testing.assert_array_equal(touched, expected)
    assert touched.sum() < N_ASSETS


def test_a_levee_ranks_events_over_its_whole_zone_even_where_no_asset_stands() -> None:
    inputs = random_line()
    centroid = inputs.centroid.copy()
    centroid[centroid >= 30] = 0  # no asset stands on centroids 30–39
    inputs = replace(inputs, centroid=centroid)
    inside = np.zeros(N_CENTROIDS, dtype=bool)
    inside[20:] = True
    effect = ZoneHazard(inside, IntensityChange(scale=0.0, up_to_return_period=20))
    # ranked only where assets stand, other events would count as the 20-year flood
    where_assets = inside & np.isin(np.arange(N_CENTROIDS), centroid)
    assert not np.array_equal(
        changed_events(inputs.hazard, inside, effect.change),
        changed_events(inputs.hazard, where_assets, effect.change),
    )
    full = full_avoided(inputs, [effect])
    for by_centroid in (None, intensity_by_centroid(inputs)):
        incremental = avoided_impact(inputs, [effect], by_centroid=by_centroid)
        for party, value in full.items():
            assert incremental.avoided_by_party()[party] == pytest.approx(value, rel=1e-9)


def test_a_buy_out_leaves_the_bought_assets_in_place_worth_nothing() -> None:
    inputs = random_line()
    bought = apply_measures(inputs, [buy_out(inputs)]).exposures
    np.testing.assert_array_equal(bought.value[100:120], 0)
    np.testing.assert_array_equal(bought.value[:100], inputs.exposures.value[:100])
    np.testing.assert_array_equal(bought.asset_id, inputs.exposures.asset_id)
