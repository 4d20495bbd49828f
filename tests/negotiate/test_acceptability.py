"""Acceptability: individual rationality, the core, demands under the rule's shares,
robustness over samples, minimax regret and satisficing across climates."""

from __future__ import annotations

import pandas as pd
import pytest

from bordercompact.negotiate.acceptability import (
    core_membership,
    individual_rationality,
    minimax_regret,
    robustness,
    rows_met,
    satisficing,
)
from bordercompact.negotiate.game import Game
from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import positions, two_cities

GAME = Game(("a", "b"), "value", {frozenset("a"): 25.0, frozenset("b"): 0.0, frozenset("ab"): 58.0})


def test_each_party_at_least_its_stand_alone_value() -> None:
    checks = individual_rationality(GAME, {"a": 41.5, "b": 16.5})
    assert all(c.passed for c in checks)
    failing = individual_rationality(GAME, {"a": 20.0, "b": 38.0})
    assert [c.party for c in failing if not c.passed] == ["a"]


def test_the_core_names_the_coalition_that_would_leave() -> None:
    assert core_membership(GAME, {"a": 41.5, "b": 16.5}).passed
    outside = core_membership(GAME, {"a": 20.0, "b": 38.0})
    assert not outside.passed
    assert outside.tag == "a" and outside.numbers["largest_excess"] == pytest.approx(5.0)


def test_demands_are_checked_under_the_rules_split_of_the_costs() -> None:
    config = positions(
        a={},
        b={
            "demands": [
                {
                    "id": "b-cap",
                    "type": "max_contribution",
                    "amount": 10.0,
                    "text": {"en": "B pays at most 10"},
                }
            ]
        },
    )
    program = deal_program(two_cities(), config, {"a": 25.0, "b": 0.0}, lambda d: set())
    deal = program.solve()
    assert deal is not None
    texts = {"b-cap": ("b", "B pays at most 10")}
    # A's floor and B's cap leave the levee and the floodproofing (19): B paying a fifth
    # (3.8) meets the cap; four fifths (15.2) do not
    assert deal.measures == {"levee", "proofing"}
    met = rows_met(program, deal, split(deal, {"a": 0.8, "b": 0.2}), texts)
    assert [c.passed for c in met if c.tag == "b-cap"] == [True]
    broken = rows_met(program, deal, split(deal, {"a": 0.2, "b": 0.8}), texts)
    failed = [c for c in broken if c.tag == "b-cap"]
    assert [c.passed for c in failed] == [False]
    assert failed[0].party == "b" and failed[0].numbers["found"] == pytest.approx(15.2)


def split(portfolio, fractions: dict[str, float]) -> list[dict[str, float]]:
    """Each party the same part of every option."""
    return [{p: f * o.cost for p, f in fractions.items()} for o in portfolio.options]


def test_robustness_counts_the_samples_where_a_party_still_gains() -> None:
    samples = pd.DataFrame(
        {
            "sample": [0, 0, 0, 1, 1, 1],
            "party": ["total", "a", "b", "total", "a", "b"],
            "benefit": [110.0, 60.0, 50.0, 40.0, 25.0, 15.0],
            "cost": [50.0, 0.0, 0.0, 50.0, 0.0, 0.0],
        }
    )
    # A pays 60 % of the costs: 30 in both; B 40 %: 20
    assert robustness(samples, {"a": 0.6, "b": 0.4}) == {"a": 0.5, "b": 0.5}


def test_minimax_regret_and_satisficing_by_hand() -> None:
    net = {
        "bold": {"today": 10.0, "scenario": 100.0},  # regret 40 today
        "safe": {"today": 50.0, "scenario": 70.0},  # regret 30 in the scenario
    }
    assert minimax_regret(net) == "safe"
    payoffs = {
        "bold": {"today": {"a": 15.0, "b": -5.0}, "scenario": {"a": 60.0, "b": 40.0}},
        "safe": {"today": {"a": 30.0, "b": 20.0}, "scenario": {"a": 40.0, "b": 30.0}},
    }
    assert satisficing(payoffs) == ["safe"]
