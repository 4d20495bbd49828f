"""The appraisal under uncertainty: Latin-hypercube samples of the uncertain inputs, each
input entering the way the module says, and the NPV distribution per party."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bordercompact.measures.appraisal import set_value
from bordercompact.measures.combinations import MeasureSets
from bordercompact.measures.model import UncertaintySettings, load_measures
from bordercompact.measures.uncertainty import (
    UncertainValues,
    damage_nodes,
    damage_scaled_function,
    damage_scaled_run,
    latin_hypercube,
    npv_distribution,
    rank_sensitivity,
)
from bordercompact.measures.value import AppraisalError
from bordercompact.risk.outputs import harmonized, risk_stage
from bordercompact.risk.pipeline import RiskRun
from bordercompact.risk.vulnerability import ImpactFunc
from tests.measures.test_outputs import write_measures


def settings(**ranges: tuple[float, float]) -> UncertaintySettings:
    return UncertaintySettings(
        samples=8,
        seed=3,
        **{name: {"low": low, "high": high} for name, (low, high) in ranges.items()},
    )


def test_each_input_is_drawn_once_in_each_of_n_equal_strata() -> None:
    drawn = latin_hypercube(
        settings(discount_rate=(0.0, 0.08), effectiveness=(0.5, 1.0)), ["levee", "wall"]
    )
    assert list(drawn.columns) == [
        "discount_rate",
        "effectiveness:levee",
        "effectiveness:wall",
    ]
    assert len(drawn) == 8
    strata = np.floor((drawn["discount_rate"] - 0.0) / 0.01).astype(int)
    assert sorted(strata) == list(range(8))
    assert drawn["effectiveness:wall"].between(0.5, 1.0).all()
    again = latin_hypercube(
        settings(discount_rate=(0.0, 0.08), effectiveness=(0.5, 1.0)), ["levee", "wall"]
    )
    pd.testing.assert_frame_equal(drawn, again)  # seeded


def test_drawing_nothing_is_refused() -> None:
    with pytest.raises(AppraisalError, match="draws no input"):
        latin_hypercube(UncertaintySettings(), ["levee"])


def test_a_scaled_damage_curve_is_capped_at_total_loss() -> None:
    curve = ImpactFunc(
        haz_type="FL",
        impf_id=1,
        intensity=np.array([0.0, 1.0, 2.0]),
        mdd=np.array([0.0, 0.5, 0.9]),
        paa=np.ones(3),
    )
    np.testing.assert_allclose(damage_scaled_function(curve, 1.5).mdd, [0, 0.75, 1.0])


def test_the_damage_scales_computed_are_even_over_the_range_and_one() -> None:
    np.testing.assert_allclose(damage_nodes(settings(damage_scale=(0.5, 2.0))), [0.5, 1, 1.25, 2])
    np.testing.assert_allclose(damage_nodes(settings(damage_scale=(1.2, 1.6))), [1.2, 1.4, 1.6])
    np.testing.assert_allclose(damage_nodes(settings(discount_rate=(0, 0.1))), [1.0])


@pytest.fixture
def mini(mini_region: Path) -> tuple[MeasureSets, RiskRun]:
    write_measures(mini_region)
    harmonization = harmonized(mini_region, None)
    assert harmonization.region is not None
    risk = risk_stage(harmonization)
    config = load_measures(harmonization.region)
    return MeasureSets(config, harmonization.region, harmonization.layers, risk), risk


def nominal(sets: MeasureSets, measure: str, **update: object) -> pd.DataFrame:
    appraisal = sets.config.appraisal.model_copy(update=update)
    chosen = [m for m in sets.config.measures if m.id == measure]
    return pd.DataFrame(
        set_value(chosen, appraisal, sets.outcomes, sets.parties, sets.currency)
    ).set_index("party")


def test_a_drawn_discount_rate_values_the_measure_at_that_rate(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(sets, risk, settings(discount_rate=(0.0, 0.08)))
    values = sampled.values(["levee"])
    for sample in (0, 5):
        rate = sampled.samples.loc[sample, "discount_rate"]
        row = values[values["sample"] == sample].set_index("party")
        expected = nominal(sets, "levee", discount_rate=rate)
        assert row.loc["north", "npv"] == pytest.approx(expected.loc["north", "npv"], rel=1e-12)
        assert row.loc["total", "cost"] == pytest.approx(expected.loc["total", "cost"], rel=1e-12)


def test_asset_values_and_effectiveness_scale_the_avoided_impact(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(
        sets, risk, settings(asset_value_scale=(0.5, 1.5), effectiveness=(0.2, 1.0))
    )
    values = sampled.values(["levee"]).query("sample == 2").set_index("party")
    drawn = sampled.samples.loc[2]
    factor = drawn["asset_value_scale"] * drawn["effectiveness:levee"]
    expected = nominal(sets, "levee")
    assert values.loc["south", "benefit"] == pytest.approx(
        factor * expected.loc["south", "benefit"], rel=1e-12
    )
    assert values.loc["north", "cost"] == pytest.approx(expected.loc["north", "cost"])


def test_insurance_pays_its_layer_of_the_scaled_losses(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(sets, risk, settings(asset_value_scale=(0.3, 0.3)))
    smaller = sampled.values(["insurance"]).query("sample == 0").set_index("party")
    expected = nominal(sets, "insurance")
    # the layer (1e5 to 1.1e6 per event) is exhausted by the nominal losses; at 30 % of
    # them it pays less, but far more than 30 %: the cover still binds in big events
    ratio = smaller.loc["total", "benefit"] / expected.loc["total", "benefit"]
    assert 0.3 < ratio < 1
    (line,) = [o for o in sets.outcomes(["insurance"], "present") if o.insured is not None]
    assert line.insured is not None
    total = 0.3 * line.insured.before.sum(axis=1)
    layer = np.minimum(np.maximum(total - 1e5, 0), 1e6)
    (now, _) = sampled._sampled(frozenset({"insurance"}), {"asset_value_scale": 0.3})
    assert now.premium == pytest.approx(1.3 * float(line.insured.frequency @ layer))
    assert sum(now.avoided_by_party.values()) == pytest.approx(
        float(line.insured.frequency @ layer)
    )


def test_no_climate_change_values_the_present_risk_throughout(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(sets, risk, settings(future_weight=(0.0, 0.0)))
    values = sampled.values(["levee"]).query("sample == 0").set_index("party")
    without = nominal(sets, "levee", future_scenario=None, future_year=None)
    assert values.loc["total", "benefit"] == pytest.approx(
        without.loc["total", "benefit"], rel=1e-12
    )


def test_a_damage_scale_on_a_computed_node_equals_a_rerun_with_scaled_curves(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(sets, risk, settings(damage_scale=(1.8, 1.8)))
    values = sampled.values(["levee"]).query("sample == 0").set_index("party")
    rerun = sets.with_risk(damage_scaled_run(risk, sets.lines, 1.8))
    expected = pd.DataFrame(
        set_value(
            [m for m in sets.config.measures if m.id == "levee"],
            sets.config.appraisal,
            rerun.outcomes,
            sets.parties,
            sets.currency,
        )
    ).set_index("party")
    assert values.loc["total", "benefit"] == pytest.approx(
        expected.loc["total", "benefit"], rel=1e-12
    )
    assert values.loc["total", "benefit"] != pytest.approx(
        nominal(sets, "levee").loc["total", "benefit"]
    )


def test_between_two_computed_scales_the_worth_lies_on_the_line_between_them(mini) -> None:
    sets, risk = mini
    sampled = UncertainValues(sets, risk, settings(damage_scale=(1.0, 2.0)))
    assert list(sampled.nodes) == [1.0, 1.5, 2.0]
    scale = 1.2
    (now,) = [
        o
        for o in sampled._sampled(frozenset({"levee"}), {"damage_scale": scale})
        if o.scenario == "present"
    ]
    at = {
        node: next(o for o in sampled._at[node].outcomes(["levee"], "present"))
        for node in (1.0, 1.5)
    }
    t = (scale - 1.0) / 0.5
    for party, avoided in now.avoided_by_party.items():
        expected = (1 - t) * at[1.0].avoided_by_party[party] + t * at[1.5].avoided_by_party[party]
        assert avoided == pytest.approx(expected, rel=1e-12)


def test_the_npv_distribution_by_hand() -> None:
    values = pd.DataFrame(
        {
            "measure": "levee",
            "party": "north",
            "sample": range(5),
            "benefit": [10.0, 20.0, 30.0, 40.0, 50.0],
            "cost": 25.0,
            "npv": [-15.0, -5.0, 5.0, 15.0, 25.0],
        }
    )
    (row,) = npv_distribution(values).to_dict("records")
    assert row["npv_mean"] == 5.0 and row["npv_p50"] == 5.0
    assert row["npv_p05"] == pytest.approx(-15 + 0.2 * 10)  # linear between order statistics
    assert row["probability_of_loss"] == pytest.approx(0.4)


def test_rank_sensitivity_finds_the_input_that_drives_the_npv() -> None:
    samples = pd.DataFrame(
        {"discount_rate": [0.01, 0.02, 0.03, 0.04], "effectiveness:levee": [0.9, 0.5, 0.7, 0.6]}
    )
    values = pd.DataFrame(
        {
            "measure": "levee",
            "party": "total",
            "sample": range(4),
            "benefit": 0.0,
            "cost": 0.0,
            "npv": [40.0, 30.0, 20.0, 10.0],  # falls with the rate
        }
    )
    table = rank_sensitivity(values, samples).set_index("input")["spearman"]
    assert table["discount_rate"] == pytest.approx(-1.0)
    assert abs(table["effectiveness"]) < 1


def test_a_measure_that_needs_another_is_sampled_on_top_of_it(mini) -> None:
    sets, risk = mini
    config = sets.config.model_copy(
        update={
            "measures": [
                m.model_copy(update={"requires": ["levee"]}) if m.id == "relocation" else m
                for m in sets.config.measures
            ]
        }
    )
    needing = MeasureSets(config, sets._region, sets._layers, risk)
    sampled = UncertainValues(needing, risk, settings(asset_value_scale=(0.5, 1.5)))
    added = sampled.measure_values("relocation").set_index(["sample", "party"])
    both = sampled.values(["levee", "relocation"]).set_index(["sample", "party"])
    levee = sampled.values(["levee"]).set_index(["sample", "party"])
    np.testing.assert_allclose(added["benefit"], both["benefit"] - levee["benefit"])
    assert (added["measure"] == "relocation").all()


def test_a_measure_that_does_nothing_for_a_party_adds_nothing_for_it_in_any_sample(
    mini,
) -> None:
    sets, risk = mini
    config = sets.config.model_copy(
        update={
            "appraisal": sets.config.appraisal.model_copy(update={"unit_values": {"people": 1e3}}),
            "measures": [
                m.model_copy(update={"requires": ["warning"]}) if m.id == "relocation" else m
                for m in sets.config.measures
            ],
        }
    )
    needing = MeasureSets(config, sets._region, sets._layers, risk)
    sampled = UncertainValues(needing, risk, settings(effectiveness=(0.2, 1.0)))
    added = sampled.measure_values("relocation").set_index(["sample", "party"])["benefit"]
    # the relocated quarter is on the north bank; the warning helps both banks
    np.testing.assert_allclose(added.xs("south", level="party"), 0, atol=1e-6)
    assert (added.xs("north", level="party") > 0).all()
