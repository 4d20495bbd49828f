"""Sharing a portfolio's costs by a rule: cost shares that add up to its costs, transfers,
and a sampled Shapley value when the game is too large to list."""

from __future__ import annotations

import re

import pytest

from bordercompact.negotiate.deal import contributions, negotiate, sharing, transfers
from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import positions, two_cities

VALUES = {frozenset("a"): 25.0, frozenset("b"): 0.0, frozenset("ab"): 58.0}


def deal():
    program = deal_program(
        two_cities(), positions(a={}, b={}), {"a": 25.0, "b": 0.0}, lambda d: set()
    )
    portfolio = program.solve()
    assert portfolio is not None
    return portfolio


def test_the_shapley_split_by_hand() -> None:
    portfolio = deal()
    shared = sharing(portfolio, VALUES, ["a", "b"], "shapley", {"a": 1.0, "b": 1.0})
    # surplus 58 − 25 − 0 = 33, half each: A 41.5, B 16.5; cost share = benefit − gain
    assert shared.payoff == pytest.approx({"a": 41.5, "b": 16.5})
    assert shared.cost_share == pytest.approx({"a": 45.0 - 41.5, "b": 62.0 - 16.5})
    assert sum(shared.cost_share.values()) == pytest.approx(portfolio.cost)
    # A hosts the flood works (45) and pays 3.5: B pays it 41.5 beyond the floodproofing
    assert transfers(portfolio, shared.pays) == pytest.approx({"a": -41.5, "b": 41.5})
    table = contributions(portfolio, shared.pays)
    assert table["pays"].sum() == pytest.approx(portfolio.cost)


def test_proportional_follows_the_benefits_and_nash_the_weights() -> None:
    portfolio = deal()
    proportional = sharing(portfolio, VALUES, ["a", "b"], "proportional", {"a": 1.0, "b": 1.0})
    assert proportional.payoff == pytest.approx({"a": 58 * 45 / 107, "b": 58 * 62 / 107})
    nash = sharing(portfolio, VALUES, ["a", "b"], "nash", {"a": 3.0, "b": 1.0})
    assert nash.payoff == pytest.approx({"a": 25 + 33 * 0.75, "b": 33 * 0.25})


def test_without_every_coalition_the_shapley_value_is_sampled_within_its_interval() -> None:
    # a third party C that adds nothing anywhere (a dummy): its coalitions are computed
    # only as the sampled orders need them
    worth = {frozenset("ab"): 58.0, frozenset("ac"): 25.0, frozenset("bc"): 0.0}
    singletons = {frozenset("a"): 25.0, frozenset("b"): 0.0, frozenset("c"): 0.0}
    asked: list[frozenset[str]] = []

    def coalition(members: frozenset[str]) -> float:
        asked.append(members)
        return worth[members]

    weights = {"a": 1.0, "b": 1.0, "c": 1.0}
    shared = sharing(deal(), singletons, ["a", "b", "c"], "shapley", weights, coalition)
    note = shared.allocations["shapley"].note
    assert note is not None and "sampled" in note
    half = float(re.search(r"±([\d,.]+)", note).group(1).replace(",", ""))
    assert shared.payoff["a"] == pytest.approx(41.5, abs=half)
    assert shared.payoff["c"] == pytest.approx(0.0, abs=1e-9)
    assert sum(shared.payoff.values()) == pytest.approx(58.0)
    assert set(asked) <= set(worth)


def test_a_rule_that_breaks_a_demand_gives_way_to_the_nearest_split_that_meets_it() -> None:
    table = two_cities()
    cap = {"id": "b-cap", "type": "max_contribution", "amount": 40.0, "text": {"en": "B pays ≤ 40"}}
    config = positions(a={}, b={"demands": [cap]})
    program = deal_program(table, config, {"a": 25.0, "b": 0.0}, lambda d: set())
    agreed = negotiate(program, table, config, VALUES, rule="shapley")
    assert agreed.sharing is not None and agreed.accepted
    # Shapley has B pay 62 − 16.5 = 45.5; the cap moves 5.5 of it to A
    assert agreed.sharing.rule_payoff == pytest.approx({"a": 41.5, "b": 16.5})
    assert agreed.sharing.cost_share == pytest.approx({"a": 9.0, "b": 40.0})
    assert agreed.sharing.adjusted == pytest.approx(11.0)
    assert any("moved by 11" in note for note in agreed.notes)
