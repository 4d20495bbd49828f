"""Appraisal arithmetic against numbers worked out by hand: when a measure works, its
costs per year, the move from present to future risk, and benefit, cost, NPV and BCR per
party."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.measures.appraisal import (
    Outcome,
    active_years,
    appraise,
    scenario_weights,
    set_value,
    yearly_costs,
)
from bordercompact.measures.combinations import interaction_groups
from bordercompact.measures.model import AppraisalSettings, Measure, MeasuresConfig

SETTINGS = AppraisalSettings(
    first_year=2026,
    last_year=2030,
    discount_rate=0.10,
    future_scenario="future",
    future_year=2030,
    co_benefit_values={"green_area_ha": 5.0},
)
LEVEE = Measure.model_validate(
    {
        "id": "levee",
        "name": {"en": "Levee"},
        "proposed_by": "a",
        "host": "a",
        "capital_cost": 100.0,
        "annual_cost": 10.0,
        "lifetime_years": 3,
        "construction_years": [2026],
        "co_benefits": {"green_area_ha": 2.0, "jobs": 7.0},
        "effects": [
            {"type": "hazard", "hazard": "flood", "zone": {"features": ["z"]}, "scale": 0.0}
        ],
    }
)


def outcome(scenario: str, a: float, b: float, unit: str = "EUR") -> Outcome:
    none = np.zeros(0)
    return Outcome(
        "levee",
        scenario,
        "flood",
        "buildings",
        "impact",
        unit,
        {"a": a, "b": b},
        1,
        none,
        none,
        none,
        none,
    )


def test_a_measure_works_from_the_year_after_construction_for_its_lifetime() -> None:
    # built in 2026, works 2027, 2028, 2029 (3 years), not 2030
    np.testing.assert_array_equal(active_years(LEVEE, SETTINGS), [0, 1, 1, 1, 0])


def test_costs_are_capital_while_building_and_yearly_while_working() -> None:
    np.testing.assert_allclose(yearly_costs(LEVEE, SETTINGS), [100, 10, 10, 10, 0])


def test_the_risk_moves_to_the_future_scenario_by_its_year() -> None:
    np.testing.assert_allclose(scenario_weights(SETTINGS), [0, 0.25, 0.5, 0.75, 1])
    held = SETTINGS.model_copy(update={"future_year": 2028})
    np.testing.assert_allclose(scenario_weights(held), [0, 0.5, 1, 1, 1])
    none = SETTINGS.model_copy(update={"future_scenario": None, "future_year": None})
    np.testing.assert_allclose(scenario_weights(none), 0)


def test_benefit_cost_npv_and_bcr_per_party_by_hand() -> None:
    config = MeasuresConfig(appraisal=SETTINGS, measures=[LEVEE])
    # avoided per year: a 20 now, 40 in the future; b 10 now, 10 in the future
    outcomes = [outcome("present", 20, 10), outcome("future", 40, 10)]
    outcomes.append(outcome("present", 3, 3, unit="deaths"))  # people: not money
    table = appraise(config, lambda _: outcomes, ["a", "b"], "EUR").set_index("party")
    d = 1.1 ** -np.arange(5)
    # a: 20 + 20·w in the working years 2027–29 (w = .25, .5, .75): 25, 30, 35
    benefit_a = 25 * d[1] + 30 * d[2] + 35 * d[3]
    benefit_b = 10 * (d[1] + d[2] + d[3])
    cost = 100 + 10 * (d[1] + d[2] + d[3])
    assert table.loc["a", "benefit"] == pytest.approx(benefit_a)
    assert table.loc["b", "benefit"] == pytest.approx(benefit_b)
    assert table.loc["a", "cost"] == pytest.approx(cost)  # the host pays, before a deal
    assert table.loc["b", "cost"] == 0
    assert table.loc["b", "npv"] == pytest.approx(benefit_b)
    assert table.loc["total", "npv"] == pytest.approx(benefit_a + benefit_b - cost)
    assert table.loc["total", "bcr"] == pytest.approx((benefit_a + benefit_b) / cost)
    assert table.loc["total", "avoided_per_year_present"] == 30
    # 2 ha of green area at 5 a year while working; jobs have no agreed price
    assert table.loc["total", "co_benefit_value"] == pytest.approx(10 * (d[1] + d[2] + d[3]))


def touching(
    measure: str, assets: list[str], scenario: str = "present", premium: float = 0.0
) -> Outcome:
    ids = np.array(assets, dtype=object)
    return Outcome(
        measure,
        scenario,
        "flood",
        "buildings",
        "impact",
        "EUR",
        {},
        len(assets),
        ids,
        np.zeros(len(ids)),
        np.zeros(len(ids)),
        np.zeros(len(ids)),
        premiums={measure: premium} if premium else {},
    )


def test_measures_touching_a_common_asset_interact_and_the_relation_carries() -> None:
    outcomes = [
        touching("levee", ["a1", "a2"]),
        touching("floodproofing", ["a2", "a3"]),  # behind the levee
        touching("wall", ["a3"]),  # shares a3 with floodproofing: same group
        touching("warning", ["b1"]),
        touching("basin", ["c1"], scenario="future"),
    ]
    assert interaction_groups(outcomes) == [
        ["basin"],
        ["floodproofing", "levee", "wall"],
        ["warning"],
    ]


def test_an_insurance_layer_interacts_with_every_measure_on_the_line_it_insures() -> None:
    outcomes = [
        touching("levee", ["a1"]),
        touching("floodproofing", ["a9"]),
        touching("insurance", [], premium=4.0),  # pays on what the others leave
        touching("warning", ["b1"], scenario="future"),  # another line
    ]
    assert interaction_groups(outcomes) == [["floodproofing", "insurance", "levee"], ["warning"]]


def test_a_set_counts_each_year_the_measures_working_that_year_together() -> None:
    settings = AppraisalSettings(first_year=2026, last_year=2030, discount_rate=0.10)
    wall = LEVEE.model_copy(
        update={"id": "wall", "host": "b", "construction_years": [2027], "co_benefits": {}}
    )
    avoided = {  # per year, per set (present only: no future scenario)
        frozenset({"levee"}): 20.0,
        frozenset({"wall"}): 12.0,
        frozenset({"levee", "wall"}): 26.0,  # less than 32: they protect the same homes
    }

    def outcomes_of(working: frozenset[str]) -> list[Outcome]:
        return [outcome("present", avoided[working], 0.0)]

    rows = {
        r["party"]: r for r in set_value([LEVEE, wall], settings, outcomes_of, ["a", "b"], "EUR")
    }
    d = 1.1 ** -np.arange(5)
    # the levee works 2027–29, the wall 2028–30: 2027 levee alone, 2028–29 both, 2030 wall
    assert rows["a"]["benefit"] == pytest.approx(20 * d[1] + 26 * (d[2] + d[3]) + 12 * d[4])
    assert rows["total"]["measure"] == "levee+wall" and rows["total"]["host"] == "a+b"
    levee_cost = 100 + 10 * (d[1] + d[2] + d[3])
    wall_cost = 100 * d[1] + 10 * (d[2] + d[3] + d[4])
    assert rows["a"]["cost"] == pytest.approx(levee_cost)  # each host pays its own
    assert rows["b"]["cost"] == pytest.approx(wall_cost)
    assert rows["total"]["avoided_per_year_present"] == 26.0


def test_people_count_in_money_at_the_agreed_value_per_unit() -> None:
    valued = SETTINGS.model_copy(
        update={"unit_values": {"deaths": 100.0}, "future_scenario": None, "future_year": None}
    )
    config = MeasuresConfig(appraisal=valued, measures=[LEVEE])
    outcomes = [outcome("present", 0, 0), outcome("present", 0.2, 0.1, unit="deaths")]
    outcomes.append(outcome("present", 5, 5, unit="people"))  # no value agreed: not money
    table = appraise(config, lambda _: outcomes, ["a", "b"], "EUR").set_index("party")
    d = 1.1 ** -np.arange(5)
    # 0.2 deaths a year at 100 each, in the working years 2027–29
    assert table.loc["a", "benefit"] == pytest.approx(20 * (d[1] + d[2] + d[3]))
    assert table.loc["b", "benefit"] == pytest.approx(10 * (d[1] + d[2] + d[3]))


def test_a_measure_that_needs_another_is_worth_what_it_adds_to_it() -> None:
    settings = SETTINGS.model_copy(update={"future_scenario": None, "future_year": None})
    warning = LEVEE.model_copy(update={"id": "warning", "co_benefits": {}})
    centres = LEVEE.model_copy(
        update={"id": "centres", "requires": ["warning"], "capital_cost": 50.0, "co_benefits": {}}
    )
    avoided = {  # per year, in the working years 2027–29
        frozenset({"warning"}): 10.0,
        frozenset({"centres"}): 8.0,  # alone: never built so
        frozenset({"centres", "warning"}): 13.0,  # the warning opens the centres
    }
    config = MeasuresConfig(appraisal=settings, measures=[warning, centres])
    table = appraise(
        config, lambda working: [outcome("present", avoided[working], 0.0)], ["a", "b"], "EUR"
    ).set_index(["measure", "party"])
    d = 1.1 ** -np.arange(5)
    working = d[1] + d[2] + d[3]
    assert table.loc[("warning", "a"), "benefit"] == pytest.approx(10 * working)
    assert table.loc[("centres", "a"), "benefit"] == pytest.approx(3 * working)
    assert table.loc[("centres", "a"), "cost"] == pytest.approx(50 + 10 * working)
    assert table.loc[("centres", "total"), "on_top_of"] == "warning"
    assert table.loc[("centres", "total"), "avoided_per_year_present"] == pytest.approx(3.0)
