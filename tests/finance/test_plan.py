"""From the deal's cost shares to payments: each player's part of the works and of the
transfers, what it must fund, and its payments year by year per source."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.finance.plan import TRANSFER, funding, measure_parts
from bordercompact.finance.sources import Source
from bordercompact.measures.model import AppraisalSettings, Measure
from bordercompact.negotiate.portfolio import deal_program
from tests.negotiate.tables import positions, two_cities

SETTINGS = AppraisalSettings(first_year=2026, last_year=2030, discount_rate=0.0)


BUDGETS = [
    Source(id="a-budget", kind="own_budget", party="a", name={"en": "A"}),
    Source(id="b-budget", kind="own_budget", party="b", name={"en": "B"}),
]


def works() -> dict[str, Measure]:
    """The two cities' measures with real costs: 30 and 15 of capital in 2026, 1 a year
    of upkeep while they work; floodproofing 4, no upkeep."""
    table = two_cities()
    costs = {"basin": (30.0, 1.0), "levee": (15.0, 1.0), "proofing": (4.0, 0.0)}
    return {
        m: measure.model_copy(
            update={"capital_cost": costs[m][0], "annual_cost": costs[m][1], "lifetime_years": 3}
        )
        for m, measure in table.measures.items()
    }


def portfolio():
    program = deal_program(
        two_cities(), positions(a={}, b={}), {"a": 25.0, "b": 0.0}, lambda d: set()
    )
    deal = program.solve()
    assert deal is not None
    return deal


def test_a_part_below_zero_is_a_transfer_received_and_the_works_are_paid_by_the_others() -> None:
    deal = portfolio()
    # A receives 10 on the flood works (cost 45), B pays 55; B pays all the floodproofing
    pays = [
        {"a": -10.0, "b": 55.0} if "levee" in o.measures else {"a": 0.0, "b": 4.0}
        for o in deal.options
    ]
    parts = measure_parts(deal, pays)
    # one order in every run, whatever order the option's set of measures iterates in
    assert list(parts.works) == sorted(parts.works)
    assert parts.works["levee"] == pytest.approx({"a": 0.0, "b": 1.0})
    assert parts.transfers["basin"] == pytest.approx({"a": -10 / 45, "b": 10 / 45})
    assert parts.transfers["proofing"] == pytest.approx({"a": 0.0, "b": 0.0})


def test_payments_follow_the_costs_year_by_year_and_loans_are_repaid() -> None:
    deal = portfolio()
    pays = [
        {"a": 22.5, "b": 22.5} if "levee" in o.measures else {"a": 0.0, "b": 4.0}
        for o in deal.options
    ]
    sources = [
        *BUDGETS,
        Source(
            id="bank",
            kind="loan",
            name={"en": "bank"},
            rate=0.0,
            tenor_years=2,
            eligible_parties=["b"],
        ),
    ]
    _, plan, paid = funding(deal, pays, works(), SETTINGS, sources, objective="preference")
    by = {}
    for p in paid:
        by[(p.party, p.source, p.kind, p.calendar_year)] = (
            by.get((p.party, p.source, p.kind, p.calendar_year), 0.0) + p.amount_region
        )
    # A pays half of the flood works from its budget: capital (30 + 15)/2 in 2026, upkeep
    # (1 + 1)/2 a year in 2027–2029
    assert by[("a", "a-budget", "capital", 2026)] == pytest.approx(22.5)
    assert by[("a", "a-budget", "operating", 2028)] == pytest.approx(1.0)
    # B borrows (the bank before its own budget in the order of preference): the bank pays
    # its 22.5 + 4 of capital in 2026, B repays it in 2027 and 2028 (no interest)
    assert by[("b", "bank", "capital", 2026)] == pytest.approx(26.5)
    assert by[("b", "bank repayment", "capital", 2027)] == pytest.approx(13.25)
    assert by[("b", "bank repayment", "capital", 2028)] == pytest.approx(13.25)
    assert not any(p.source == TRANSFER for p in paid)
    np.testing.assert_allclose(plan.amounts.sum(axis=1), [n.amount for n in plan.needs])


def test_upkeep_is_paid_to_the_end_of_a_measures_life_past_the_appraisal() -> None:
    deal = portfolio()
    pays = [
        {"a": 45.0, "b": 0.0} if "levee" in o.measures else {"a": 0.0, "b": 4.0}
        for o in deal.options
    ]
    short = SETTINGS.model_copy(update={"last_year": 2027})  # the appraisal stops in 2027
    sources = [
        *BUDGETS,
    ]
    _, _, paid = funding(deal, pays, works(), short, sources)
    upkeep = {p.calendar_year for p in paid if p.kind == "operating" and p.party == "a"}
    assert upkeep == {2027, 2028, 2029}  # built in 2026, working three years


def test_works_and_upkeep_are_funded_apart_and_a_loan_for_upkeep_is_repaid_from_upkeep() -> None:
    deal = portfolio()
    pays = [
        {"a": 45.0, "b": 0.0} if "levee" in o.measures else {"a": 0.0, "b": 4.0}
        for o in deal.options
    ]
    sources = [
        *BUDGETS,
        # an interest-free credit line for A's upkeep only
        Source(
            id="upkeep-credit",
            kind="loan",
            name={"en": "credit"},
            rate=0.0,
            tenor_years=1,
            eligible_parties=["a"],
            funds=["operating"],
        ),
    ]
    _, plan, paid = funding(deal, pays, works(), SETTINGS, sources, objective="preference")
    a_needs = {(n.measure, n.cost): n.amount for n in plan.needs if n.party == "a"}
    # A's flood works: 45 of capital and 2 a year of upkeep for three years (no discount)
    assert a_needs[("basin", "capital")] + a_needs[("levee", "capital")] == pytest.approx(45.0)
    assert a_needs[("basin", "operating")] + a_needs[("levee", "operating")] == pytest.approx(6.0)
    assert plan.by_source()["upkeep-credit"] == pytest.approx(6.0)
    repaid = [p for p in paid if p.source == "upkeep-credit repayment"]
    assert {p.kind for p in repaid} == {"operating"}
    assert sum(p.amount_region for p in repaid) == pytest.approx(6.0)
    capital = [p for p in paid if p.party == "a" and p.kind == "capital"]
    assert {p.source for p in capital} == {"a-budget"}
