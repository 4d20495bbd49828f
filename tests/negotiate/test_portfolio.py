"""The portfolio program on two cities, by hand: the best options, what budgets and
demands change, side payments, prerequisites across groups."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import positions, two_cities

NONE_IN_ZONE = lambda demand: set()  # noqa: E731 (no zone demands here)


def test_the_best_portfolio_builds_every_option_worth_most_together() -> None:
    table = two_cities()
    deal = deal_program(table, positions(a={}, b={}), {"a": 25.0, "b": 0.0}, NONE_IN_ZONE).solve()
    assert deal is not None
    # basin and levee together (95 − 45 = 50) beat either alone; floodproofing adds 8
    assert deal.measures == {"basin", "levee", "proofing"}
    assert deal.net_benefit == pytest.approx(58.0)
    assert sum(deal.paid.values()) == pytest.approx(deal.cost)


def test_budgets_that_bind_change_the_portfolio() -> None:
    table = two_cities()
    tight = positions(a={"budget_per_year": 20.0}, b={"budget_per_year": 20.0})
    deal = deal_program(table, tight, {"a": 25.0, "b": 0.0}, NONE_IN_ZONE).solve()
    assert deal is not None
    # every option is paid in its first year; 40 a year in all leaves out the basin and
    # levee together (45) and the basin with floodproofing, which leaves A below the 25
    # it gets alone unless B pays it more than B's budget
    assert deal.measures == {"levee", "proofing"}
    assert deal.net_benefit == pytest.approx(33.0)
    assert all(paid <= 20.0 + 1e-6 for paid in deal.paid.values())


def test_a_minimum_gain_is_met_by_how_the_costs_are_split() -> None:
    table = two_cities()
    # B wants 30 out of the deal: it gets 62 of benefits, A 45, and 49 of costs are split
    config = positions(
        a={},
        b={"demands": [_demand("b-gain", "min_net_gain", amount=30.0)]},
    )
    deal = deal_program(table, config, {"a": 25.0, "b": 0.0}, NONE_IN_ZONE).solve()
    assert deal is not None
    net_b = deal.benefit("b") - deal.paid["b"]
    net_a = deal.benefit("a") - deal.paid["a"]
    assert net_b >= 30.0 - 1e-6 and net_a >= 25.0 - 1e-6
    assert net_a + net_b == pytest.approx(58.0)


def test_a_red_line_on_a_kind_leaves_its_measures_out() -> None:
    table = two_cities()
    config = positions(a={"demands": [_demand("no-basin", "no_kind", kinds=["retention"])]}, b={})
    deal = deal_program(table, config, {"a": 25.0, "b": 0.0}, NONE_IN_ZONE).solve()
    assert deal is not None and "basin" not in deal.measures
    assert deal.measures == {"levee", "proofing"}


def test_households_displaced_are_capped_per_side() -> None:
    table = two_cities()
    for k in (1, 2):  # the levee moves 30 households on A's side, in every option with it
        table.options[k] = replace(table.options[k], households={"a": 30.0})
    cap = _demand("few-moves", "max_households_displaced", amount=10)
    config = positions(a={"demands": [cap]}, b={})
    deal = deal_program(table, config, {"a": 0.0, "b": 0.0}, NONE_IN_ZONE).solve()
    assert deal is not None
    assert deal.measures == {"basin", "proofing"}


def _demand(id: str, type: str, **given: object) -> dict:
    return {"id": id, "type": type, "text": {"en": id}, **given}
