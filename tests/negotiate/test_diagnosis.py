"""Diagnosis: the demands that block a deal, what each binding demand costs, and the
range of cost shares each party can accept."""

from __future__ import annotations

import pytest

from bordercompact.negotiate.diagnosis import (
    agreement_zones,
    conflicting_demands,
    demand_prices,
    explain,
)
from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import positions, two_cities


def demand(id: str, type: str, text: str | None = None, **given: object) -> dict:
    return {"id": id, "type": type, "text": {"en": text or id}, **given}


HARMLESS_A = [
    demand("a-few-moves", "max_households_displaced", amount=100),
    demand("a-cap", "max_contribution", amount=1000.0),
    demand("a-no-channel", "no_kind", kinds=["channel"]),
    demand("a-vulnerable", "min_vulnerable_share", share=0.0),
]
HARMLESS_B = [
    demand("b-few-moves", "max_households_displaced", amount=100),
    demand("b-cap", "max_contribution", amount=1000.0),
    demand("b-share", "min_benefit_share", share=0.1),
    demand("b-no-walls", "no_kind", kinds=["flood_wall"]),
]


def test_the_planted_conflicting_pair_is_found_among_ten_demands() -> None:
    # the best deal is worth 58 together: A asking 40 and B asking 20 cannot both be met,
    # while each alone can (and every other demand is met by the best deal)
    config = positions(
        a={"demands": [*HARMLESS_A, demand("a-gain", "min_net_gain", "A gains 40", amount=40.0)]},
        b={"demands": [*HARMLESS_B, demand("b-gain", "min_net_gain", "B gains 20", amount=20.0)]},
    )
    assert len(config.demands()) == 10
    program = deal_program(two_cities(), config, {"a": 25.0, "b": 0.0}, lambda d: set())
    assert program.solve() is None
    conflict = conflicting_demands(program)
    assert conflict == ["a-gain", "b-gain"]
    words = explain(conflict, config)
    assert [(c.party, c.text) for c in words] == [("a", "A gains 40"), ("b", "B gains 20")]


def test_a_feasible_deal_has_no_conflict() -> None:
    program = deal_program(
        two_cities(), positions(a={}, b={}), {"a": 25.0, "b": 0.0}, lambda d: set()
    )
    assert conflicting_demands(program) is None


def test_a_binding_red_line_costs_the_net_benefit_it_forgoes() -> None:
    config = positions(a={"demands": [demand("no-basin", "no_kind", kinds=["retention"])]}, b={})
    program = deal_program(two_cities(), config, {"a": 25.0, "b": 0.0}, lambda d: set())
    deal = program.solve()
    assert deal is not None
    # without the basin: levee and floodproofing, 33; with it 58
    assert demand_prices(program, deal) == {"no-basin": pytest.approx(25.0)}


def test_the_zone_of_agreement_by_hand() -> None:
    zones = agreement_zones(
        benefit={"a": 45.0, "b": 62.0},
        floor={"a": 25.0, "b": 0.0},
        ceiling={"a": None, "b": 30.0},
        total_cost=49.0,
    )
    # A pays at most 45 − 25 = 20, B at most min(62, 30) = 30; each at least 49 − the other's most
    assert zones == {"a": (19.0, 20.0), "b": (29.0, 30.0)}
