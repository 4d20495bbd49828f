"""Alternatives to the deal: Pareto-efficient portfolios trading joint net benefit for
equity or for one party's benefit."""

from __future__ import annotations

from dataclasses import replace

from bordercompact.negotiate.alternatives import alternatives, equity_share
from bordercompact.negotiate.options import OptionTable
from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import YEARS, measure, option, positions


def many_choices() -> OptionTable:
    """Six independent measures of A and B: the more a measure is worth, the less of it
    reaches the most vulnerable zones."""
    worth = [40.0, 32.0, 25.0, 18.0, 12.0, 7.0]
    options = []
    for k, value in enumerate(worth):
        host = "a" if k % 2 == 0 else "b"
        made = option(k, {f"m{k}"}, {host: value + 10.0}, 10.0, host)
        options.append(replace(made, avoided_vulnerable={host: (10.0 + value) * k / 6}))
    measures = {f"m{k}": measure(f"m{k}", "a" if k % 2 == 0 else "b") for k in range(6)}
    return OptionTable(["a", "b"], YEARS, [[f"m{k}"] for k in range(6)], options, measures)


def test_at_least_five_pareto_efficient_alternatives_trade_net_benefit_for_equity() -> None:
    program = deal_program(
        many_choices(), positions(a={}, b={}), {"a": 0.0, "b": 0.0}, lambda d: set()
    )
    deal = program.solve()
    assert deal is not None
    found = alternatives(program, deal)
    assert len(found) >= 5
    assert found[0].name == "deal" and found[0].net_benefit == deal.net_benefit
    assert len({a.portfolio.measures for a in found}) == len(found)
    equity = [a for a in found if a.aim == "equity"]
    assert equity and all(a.equity > equity_share(deal) for a in equity)
    for one in equity:  # none is beaten on both counts by another
        assert not any(
            other.net_benefit >= one.net_benefit and other.equity > one.equity
            for other in equity
            if other is not one
        )
