"""What each effect changes, on cases small enough to check by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.measures.effects import (
    IntensityChange,
    change_intensity,
    changed_events,
    design_severity,
    event_return_periods_in,
    scaled_function,
)
from bordercompact.measures.value import AppraisalError
from bordercompact.risk.engine import compute_impact
from bordercompact.risk.exposure import Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

# three floods (10-, 20- and 100-year bands) over three centroids; centroids 0 and 1 lie
# behind a levee, centroid 2 in front of it
DEPTH = np.array(
    [
        [0.5, 0.4, 0.6],  # the frequent flood
        [1.0, 0.8, 1.2],
        [2.0, 1.6, 2.4],  # the rare one
    ]
)
FREQUENCY = np.array([0.05, 0.04, 0.01])  # exceedance: 0.1, 0.05, 0.01 → 10, 20, 100 years


def flood() -> Hazard:
    return Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(np.arange(3), lat=np.zeros(3), lon=np.arange(3) * 0.01),
        event_id=np.arange(1, 4),
        frequency=FREQUENCY,
        intensity=sp.csr_matrix(DEPTH),
    )


BEHIND = np.array([True, True, False])


def test_an_events_return_period_is_ranked_inside_the_zone() -> None:
    np.testing.assert_allclose(event_return_periods_in(flood(), BEHIND), [10, 20, 100])


def test_a_levee_removes_the_floods_up_to_its_design_and_not_the_rarer_ones() -> None:
    levee = IntensityChange(scale=0.0, up_to_return_period=20)
    depth = change_intensity(flood(), BEHIND, levee).intensity.toarray()
    np.testing.assert_allclose(depth[:2, :2], 0)  # the 10- and 20-year floods held back
    np.testing.assert_allclose(depth[2], DEPTH[2])  # the 100-year flood overtops it
    np.testing.assert_allclose(depth[:, 2], DEPTH[:, 2])  # in front of it: unchanged


def test_a_levee_built_for_todays_20_year_flood_holds_that_load_in_a_future_climate() -> None:
    levee = IntensityChange(scale=0.0, up_to_return_period=20)
    future = replace(flood(), intensity=sp.csr_matrix(DEPTH * 1.5), scenario="future")
    # today's 20-year flood loads the zone with 1.8 m (1.0 + 0.8); in the future the
    # frequent flood brings 1.35 m (held), the middle one 2.7 m (overtops)
    held = changed_events(future, BEHIND, levee, design_hazard=flood())
    np.testing.assert_array_equal(held, [True, False, False])
    # designed on the future event set, it would hold the future 20-year flood
    np.testing.assert_array_equal(changed_events(future, BEHIND, levee), [True, True, False])
    assert design_severity(flood(), BEHIND, 20) == pytest.approx(1.8)
    assert design_severity(flood(), BEHIND, 5) == 0  # no flood is that frequent


def test_a_levee_only_removes_impacts_of_smaller_events() -> None:
    # one asset of 1,000 behind the levee, damage ratio = depth / 4 (up to 4 m)
    curve = ImpactFunc("FL", 1, np.array([0.0, 4.0]), np.array([0.0, 1.0]), np.ones(2))
    asset = Exposures(
        asset_id=np.array(["a"]),
        lat=np.zeros(1),
        lon=np.zeros(1),
        value=np.array([1000.0]),
        impf_id=np.array([1]),
        party=np.array(["p"], dtype=object),
    )
    levee = IntensityChange(scale=0.0, up_to_return_period=20)
    before = compute_impact(flood(), asset, ImpactFuncSet([curve]), np.array([0]))
    after = compute_impact(
        change_intensity(flood(), BEHIND, levee), asset, ImpactFuncSet([curve]), np.array([0])
    )
    np.testing.assert_allclose(before.at_event, [125, 250, 500])
    np.testing.assert_allclose(after.at_event, [0, 0, 500])
    # avoided AAI = 0.05 · 125 + 0.04 · 250 = 16.25
    assert before.aai_agg - after.aai_agg == pytest.approx(16.25)


def test_an_intensity_change_is_scale_then_shift_never_below_zero() -> None:
    # a retention basin lowering the water by 30 % and 0.2 m: 0.5 → 0.15, 0.4 → 0.08
    basin = IntensityChange(scale=0.7, shift=-0.2)
    depth = change_intensity(flood(), BEHIND, basin).intensity.toarray()
    np.testing.assert_allclose(depth[0], [0.15, 0.08, 0.6])
    deep_cut = IntensityChange(shift=-1.0)
    changed = change_intensity(flood(), BEHIND, deep_cut).intensity
    assert changed[0, 0] == 0 and changed[0, 1] == 0
    assert (changed.data > 0).all()  # zeros are not stored


def test_a_zone_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(AppraisalError, match="2 centroid flags for a hazard of 3"):
        change_intensity(flood(), np.array([True, False]), IntensityChange())


def test_floodproofing_scales_the_damage_curve_under_a_new_id() -> None:
    curve = ImpactFunc("FL", 102, np.array([0.0, 1.0, 2.0]), np.array([0, 0.4, 0.8]), np.ones(3))
    proofed = scaled_function(curve, mdd=(0.5, 0.0), paa=(1.0, 0.0), impf_id=9102)
    assert proofed.impf_id == 9102
    np.testing.assert_allclose(proofed.mdd, [0, 0.2, 0.4])
    lowered = scaled_function(curve, mdd=(1.0, -0.3), paa=(1.0, 0.0), impf_id=9103)
    np.testing.assert_allclose(lowered.mdd, [0, 0.1, 0.5])  # never below 0


def test_an_insurance_layer_pays_above_the_attachment_up_to_the_cover_by_party_share() -> None:
    from bordercompact.measures.effects import transferred_layer

    # events of 50, 150 and 500 (north 40 %, south 60 %); layer 100 xs 100
    impacts = np.array([[20.0, 30.0], [60.0, 90.0], [200.0, 300.0]])
    layer = transferred_layer(impacts, attachment=100.0, cover=100.0)
    np.testing.assert_allclose(layer.sum(axis=1), [0, 50, 100])
    np.testing.assert_allclose(layer[2], [40, 60])
    # a deductible without a cover transfers nothing (as CLIMADA)
    assert transferred_layer(impacts, attachment=100.0, cover=0.0).sum() == 0
