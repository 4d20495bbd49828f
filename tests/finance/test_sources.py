"""The funding plan: each party's cost share of each measure paid by eligible sources,
within co-financing rates and ceilings, at the least own outlay."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.finance.sources import (
    FinanceError,
    Need,
    Source,
    funding_plan,
    loan_outlay_per_unit,
)

NEEDS = [
    Need("levee", "a", "levee", 100.0, 2028),
    Need("levee", "b", "levee", 50.0, 2028),
    Need("warning", "a", "warning", 20.0, 2026),
]


def source(id: str, kind: str, **terms: object) -> Source:
    return Source.model_validate({"id": id, "kind": kind, "name": {"en": id}, **terms})


SOURCES = [
    # a cross-border fund: 60 % of flood works of A and B, 70 in all, 40 a party
    source(
        "interreg",
        "cross_border_fund",
        co_financing_rate=0.6,
        eligible_kinds=["levee"],
        ceiling=70.0,
        ceiling_per_party=40.0,
    ),
    source("climate", "climate_finance", co_financing_rate=0.5, eligible_kinds=["warning"]),
    source("bank", "loan", rate=0.01, tenor_years=10, eligible_parties=["a"], ceiling=30.0),
    source("a-budget", "own_budget", party="a"),
    source("b-budget", "own_budget", party="b"),
]


def test_a_loan_at_1_percent_over_10_years_costs_less_than_its_amount_at_3() -> None:
    annuity = 0.01 / (1 - 1.01**-10)
    assert loan_outlay_per_unit(0.01, 10, 0.03) == pytest.approx(
        annuity * sum(1.03**-t for t in range(1, 11))
    )
    assert loan_outlay_per_unit(0.0, 4, 0.0) == pytest.approx(1.0)


def test_the_plan_with_every_ceiling_and_rate_binding_by_hand() -> None:
    plan = funding_plan(NEEDS, SOURCES, discount_rate=0.03)
    # the fund pays 40 of A's levee and 30 of B's (its ceilings), the climate fund half
    # of the warning, the cheap loan its 30, and the parties the rest from their budgets
    assert plan.by_source() == pytest.approx(
        {"interreg": 70.0, "climate": 10.0, "bank": 30.0, "a-budget": 40.0, "b-budget": 20.0}
    )
    amounts = dict(zip([s.id for s in plan.sources], plan.amounts[0], strict=True))
    assert amounts["interreg"] == pytest.approx(40.0)
    assert plan.own_outlay == pytest.approx(
        {"a": 40.0 + 30.0 * loan_outlay_per_unit(0.01, 10, 0.03), "b": 20.0}
    )
    np.testing.assert_allclose(plan.amounts.sum(axis=1), [n.amount for n in NEEDS])


def test_a_fund_closed_before_construction_ends_pays_nothing() -> None:
    closing = [
        SOURCES[0].model_copy(update={"available_until": 2027}),
        *SOURCES[1:],
    ]
    plan = funding_plan(NEEDS, closing)
    assert plan.by_source()["interreg"] == pytest.approx(0.0)


def test_in_order_of_preference_a_party_spends_its_own_budget_last() -> None:
    plan = funding_plan(NEEDS, SOURCES, objective="preference")
    assert plan.by_source()["bank"] == pytest.approx(30.0)
    assert plan.by_source()["a-budget"] == pytest.approx(40.0)


def test_conditional_grants_are_named_and_can_be_left_out() -> None:
    results_based = [
        *SOURCES[:1],
        SOURCES[1].model_copy(
            update={"conditional_on": {"indicator": "heat_deaths_avoided", "at_least": 0.5}}
        ),
        *SOURCES[2:],
    ]
    plan = funding_plan(NEEDS, results_based)
    assert plan.conditional() == pytest.approx({"a": 10.0})
    fallback = funding_plan(NEEDS, results_based, without=["climate"])
    assert fallback.own_outlay["a"] == pytest.approx(plan.own_outlay["a"] + 10.0)


def test_a_share_no_source_may_fund_is_named() -> None:
    with pytest.raises(FinanceError, match="b's share of levee"):
        funding_plan(NEEDS, [SOURCES[0], SOURCES[3]])


def test_a_guarantee_lowers_a_loans_rate_for_a_fee_within_both_ceilings() -> None:
    sources = [
        source("bank", "loan", rate=0.04, tenor_years=10, ceiling=30.0),  # dearer than own money
        source(
            "backstop",
            "guarantee",
            guarantees="bank",
            rate_reduction=0.02,
            fee_rate=0.005,
            ceiling=20.0,
            eligible_parties=["a"],
        ),
        source("a-budget", "own_budget", party="a"),
        source("b-budget", "own_budget", party="b"),
    ]
    plan = funding_plan(NEEDS, sources, discount_rate=0.03)
    # 2 % plus a 0.5 % fee costs A less than its own money at 3 %: it borrows what the
    # guarantee covers; the loan alone, at 4 %, costs more and is not drawn
    assert loan_outlay_per_unit(0.02, 10, 0.03, fee_rate=0.005) < 1.0
    assert plan.by_source()["bank+backstop"] == pytest.approx(20.0)
    assert plan.by_source()["bank"] == pytest.approx(0.0, abs=1e-4)


def test_a_guarantee_must_back_a_loan() -> None:
    with pytest.raises(FinanceError, match="guarantees 'a-budget'"):
        funding_plan(NEEDS, [*SOURCES, source("g", "guarantee", guarantees="a-budget")])


def test_grants_are_shared_so_no_party_pays_a_larger_part_of_its_needs_than_it_must() -> None:
    # one grant, eligible to both, enough for a third of all the needs: the least own
    # outlay is reached by many splits; the plan takes the one where each party pays the
    # same share of its own needs from its own money
    needs = [Need("levee", "a", "levee", 60.0, 2028), Need("levee", "b", "levee", 30.0, 2028)]
    sources = [
        source("grant", "cross_border_fund", co_financing_rate=1.0, ceiling=30.0),
        source("a-budget", "own_budget", party="a"),
        source("b-budget", "own_budget", party="b"),
    ]
    plan = funding_plan(needs, sources)
    assert plan.own_outlay == pytest.approx({"a": 40.0, "b": 20.0}, abs=1e-6)


def test_grants_and_loans_pay_for_works_not_upkeep_unless_they_say_so() -> None:
    upkeep = [Need("levee", "a", "levee", 10.0, 2028, "operating", last_year=2060)]
    grant = source("grant", "cross_border_fund", co_financing_rate=1.0)
    own = source("a-budget", "own_budget", party="a")
    assert funding_plan(upkeep, [grant, own]).by_source()["grant"] == pytest.approx(0.0)
    # a fund that pays upkeep too, but only until 2050, cannot carry upkeep to 2060
    until_2050 = grant.model_copy(
        update={"funds": ["capital", "operating"], "available_until": 2050}
    )
    assert funding_plan(upkeep, [until_2050, own]).by_source()["grant"] == pytest.approx(0.0)
    for_life = until_2050.model_copy(update={"available_until": 2060})
    assert funding_plan(upkeep, [for_life, own]).by_source()["grant"] == pytest.approx(10.0)


def test_among_equally_good_plans_the_same_one_is_chosen_after_a_tiny_change() -> None:
    # grants and a loan that can pay any of four needs of two parties, enough for part of
    # them: many plans are equally good; a change in the last digits must not switch plans
    needs = [Need(f"m{i}", "ab"[i % 2], "levee", 10.0 + i, 2028) for i in range(4)]
    sources = [
        source("grant", "cross_border_fund", co_financing_rate=1.0, ceiling=23.0),
        source("fund", "climate_finance", co_financing_rate=0.5, ceiling=5.0),
        source("loan", "loan", rate=0.0, tenor_years=5, ceiling=3.0),
        source("a-budget", "own_budget", party="a"),
        source("b-budget", "own_budget", party="b"),
    ]
    plan = funding_plan(needs, sources)
    nudged = [Need(n.measure, n.party, n.kind, n.amount * (1 + 1e-12), 2028) for n in needs]
    again = funding_plan(nudged, sources)

    np.testing.assert_allclose(again.amounts, plan.amounts, rtol=1e-6, atol=1e-6)
    assert again.own_outlay == pytest.approx(plan.own_outlay, rel=1e-9)


def test_a_solvers_crumbs_go_to_the_partys_own_budget() -> None:
    from bordercompact.finance.sources import _without_residues

    needs = [Need("levee", "a", "levee", 1e7, 2028)]
    used = [
        source("bank", "loan", rate=0.01, tenor_years=10),
        source("a-budget", "own_budget", party="a"),
    ]
    cleaned = _without_residues(np.array([[4.0, 1e7 - 4.0]]), needs, used)

    np.testing.assert_array_equal(cleaned, [[0.0, 1e7]])
