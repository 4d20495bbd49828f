"""Sets of measures on the mini region: computed together, exactly, each once; what they
are worth together against apart; which pairs interact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bordercompact.measures.apply import avoided_impact
from bordercompact.measures.combinations import MeasureSets
from bordercompact.measures.model import load_measures
from bordercompact.measures.value import AppraisalError
from bordercompact.risk.outputs import harmonized, risk_stage
from tests.measures.test_outputs import write_measures


@pytest.fixture
def sets(mini_region: Path) -> MeasureSets:
    write_measures(mini_region)
    harmonization = harmonized(mini_region, None)
    assert harmonization.region is not None
    risk = risk_stage(harmonization)
    config = load_measures(harmonization.region)
    return MeasureSets(config, harmonization.region, harmonization.layers, risk)


def test_a_set_is_computed_once_whatever_the_order_of_its_measures(sets: MeasureSets) -> None:
    first = sets.outcomes(["levee", "insurance"])
    computed = sets.computed
    again = sets.outcomes(["insurance", "levee"])
    assert sets.computed == computed == 2  # the set under the present and the future
    assert [o.avoided_by_party for o in again] == [o.avoided_by_party for o in first]
    assert {o.measure for o in first} == {"insurance+levee"}


def test_the_insurance_pays_less_behind_the_levee_than_alone(sets: MeasureSets) -> None:
    together = sets.value(["levee", "insurance"]).set_index("party")
    levee = sets.value(["levee"]).set_index("party")
    insurance = sets.value(["insurance"]).set_index("party")
    assert together.loc["total", "benefit"] < (
        levee.loc["total", "benefit"] + insurance.loc["total", "benefit"]
    )
    # costs add up (the premium is smaller: it follows the layer's expected payout)
    assert (
        together.loc["total", "cost"] < levee.loc["total", "cost"] + insurance.loc["total", "cost"]
    )
    # each party pays the premium of the cover it receives; the pool's host, none of it
    assert together.loc["authority", "cost"] == 0
    assert together.loc["north", "cost"] > levee.loc["north", "cost"]
    assert together.loc["total", "cost"] == pytest.approx(
        together.loc[["north", "south", "authority"], "cost"].sum()
    )


def test_a_set_avoids_what_the_engine_finds_with_all_its_effects_at_once(
    sets: MeasureSets,
) -> None:
    line = next(
        line
        for line in sets._lines
        if (line.scenario, line.exposure) == ("present", "residents") and line.hazard == "heat"
    )
    index = sets._lines.index(line)
    effects = sets._line_effects("relocation", index) + sets._line_effects("warning", index)
    direct = avoided_impact(line.inputs, effects).avoided_by_party()
    (outcome,) = [
        o
        for o in sets.outcomes(["relocation", "warning"], "present")
        if (o.hazard, o.exposure) == ("heat", "residents")
    ]
    for party, avoided in direct.items():
        assert outcome.avoided_by_party[party] == pytest.approx(avoided, rel=1e-12)
    alone = sum(
        o.avoided_by_party["north"]
        for m in ("relocation", "warning")
        for o in sets.outcomes([m], "present")
        if (o.hazard, o.exposure) == ("heat", "residents")
    )
    assert outcome.avoided_by_party["north"] < alone  # half of the relocated risk again


def test_pairs_list_interacting_measures_with_their_interaction(sets: MeasureSets) -> None:
    pairs = sets.pairs().set_index(["measure_a", "measure_b", "party"])
    total = pairs.xs("total", level="party")
    assert ("insurance", "levee") in total.index
    assert total.loc[("insurance", "levee"), "interaction"] < 0
    np.testing.assert_allclose(
        total["benefit_together"] - total["benefit_apart"], total["interaction"]
    )


def test_an_unknown_measure_is_named(sets: MeasureSets) -> None:
    with pytest.raises(AppraisalError, match="'dam'"):
        sets.outcomes(["levee", "dam"])
