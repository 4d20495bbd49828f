"""The pooled reserve: a year-loss table simulated from an event set, VaR and TVaR on it,
the capital of one shared reserve against each party's own, how the reserve is shared,
layer payouts and the fund's depletion."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from bordercompact.finance import pool
from bordercompact.finance.pool import (
    FixedContribution,
    LayerTerms,
    PoolSettings,
    TopUp,
    annual_loss_standard_deviation,
    capital_comparison,
    capital_game,
    co_tvar_allocation,
    covered_loss,
    depletion_probability,
    euler_contributions,
    expected_annual_loss,
    layer_payout,
    pool_comparison,
    return_period_loss,
    risk_load_factor,
    simulate_year_losses,
    standard_deviation_contributions,
    tail_value_at_risk,
    tail_years,
    value_at_risk,
)
from bordercompact.negotiate.allocation import in_core, shapley

#: Two events: the first hits the north hard once a decade, the second both every other year.
FREQUENCY = np.array([0.1, 0.5])
LOSSES = np.array([[10.0, 0.0], [2.0, 4.0]])
PARTIES = ("north", "south")

#: Five years by hand: the pool's two worst years (11, 11) are years 2 and 3.
BY_HAND = np.array([[0.0, 0.0], [10.0, 0.0], [2.0, 9.0], [6.0, 5.0], [1.0, 1.0]])

#: How many standard errors a simulated mean may stray from its expectation.
STANDARD_ERRORS = 4.0


def heavy_tailed_event_set(
    seed: int, events: int = 300, parties: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Events about three times a year in all; each hits each party with probability 0.4,
    with a Pareto loss (tail index 2.5), scaled by an event severity shared by the parties."""
    rng = np.random.default_rng(seed)
    frequency = rng.uniform(0.2, 1.8, events) * 3.0 / events
    severity = rng.pareto(2.5, (events, 1)) + 1.0
    hit = rng.random((events, parties)) < 0.4
    return frequency, severity * (rng.pareto(2.5, (events, parties)) + 1.0) * hit * 1e6


def random_year_table(seed: int, years: int = 3_000, parties: int = 4) -> np.ndarray:
    """Zero-inflated, heavy-tailed, positively dependent annual losses."""
    rng = np.random.default_rng(seed)
    common = rng.pareto(1.5, (years, 1))
    own = rng.pareto(1.2, (years, parties))
    return (common + own) * (rng.random((years, parties)) < 0.3)


# the analytical moments


def test_expected_annual_loss_of_the_two_event_set_by_hand() -> None:
    # north: 0.1 · 10 + 0.5 · 2; south: 0.5 · 4
    assert expected_annual_loss(FREQUENCY, LOSSES) == pytest.approx([2.0, 2.0])


def test_annual_loss_standard_deviation_of_the_two_event_set_by_hand() -> None:
    # compound Poisson: Var = Σ f L², north 0.1 · 100 + 0.5 · 4, south 0.5 · 16
    assert annual_loss_standard_deviation(FREQUENCY, LOSSES) == pytest.approx(
        [math.sqrt(12.0), math.sqrt(8.0)]
    )


# the simulated years


def test_each_event_occurs_a_poisson_number_of_times_a_year_independently() -> None:
    # with one party per event and a loss of 1, each column counts that event's occurrences
    frequency = np.array([0.05, 0.3, 1.2, 0.0])
    years = 200_000
    table = simulate_year_losses(frequency, np.eye(4), years, seed=3)
    counts = table.annual
    standard_error = np.sqrt(frequency / years)
    assert np.all(np.abs(counts.mean(axis=0) - frequency) <= STANDARD_ERRORS * standard_error)
    # Poisson: variance equal to the mean, no year without the event with probability e^−f
    assert counts[:, :3].var(axis=0) == pytest.approx(frequency[:3], rel=0.03)
    assert (counts == 0).mean(axis=0) == pytest.approx(np.exp(-frequency), abs=0.005)
    assert np.all(np.abs(np.corrcoef(counts[:, :3], rowvar=False) - np.eye(3)) < 0.01)
    assert np.array_equal(table.event_count, counts.sum(axis=1))


def test_an_event_of_zero_frequency_never_occurs() -> None:
    table = simulate_year_losses(np.array([0.5, 0.0]), np.array([[1.0], [1e9]]), 50_000, seed=1)
    assert table.annual.max() < 1e9


def test_each_occurrence_is_the_events_full_loss() -> None:
    table = simulate_year_losses(np.array([2.0]), np.array([[3.0, 5.0]]), 10_000, seed=2)
    assert np.array_equal(table.annual, table.event_count[:, None] * np.array([3.0, 5.0]))


def test_the_mean_year_converges_to_the_expected_annual_loss() -> None:
    frequency, losses = heavy_tailed_event_set(seed=5)
    years = 200_000
    table = simulate_year_losses(frequency, losses, years, seed=11)
    expected = expected_annual_loss(frequency, losses)
    standard_error = annual_loss_standard_deviation(frequency, losses) / math.sqrt(years)
    assert np.all(np.abs(table.annual.mean(axis=0) - expected) <= STANDARD_ERRORS * standard_error)


def test_the_mean_number_of_occurrences_converges_to_the_summed_frequency() -> None:
    frequency, losses = heavy_tailed_event_set(seed=6)
    years = 200_000
    table = simulate_year_losses(frequency, losses, years, seed=12)
    rate = frequency.sum()
    assert abs(table.event_count.mean() - rate) <= STANDARD_ERRORS * math.sqrt(rate / years)


def test_the_same_seed_draws_the_same_years_and_another_seed_others() -> None:
    frequency, losses = heavy_tailed_event_set(seed=7)
    first = simulate_year_losses(frequency, losses, 5_000, seed=1)
    again = simulate_year_losses(frequency, losses, 5_000, seed=1)
    other = simulate_year_losses(frequency, losses, 5_000, seed=2)
    assert np.array_equal(first.annual, again.annual)
    assert not np.array_equal(first.annual, other.annual)


def test_the_table_does_not_depend_on_how_the_years_are_chunked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frequency, losses = heavy_tailed_event_set(seed=8)
    whole = simulate_year_losses(frequency, losses, 3_000, seed=4)
    monkeypatch.setattr(pool, "CHUNK_VALUES", 7)  # two occurrences of three parties a chunk
    chunked = simulate_year_losses(frequency, losses, 3_000, seed=4)
    assert np.array_equal(whole.annual, chunked.annual)
    assert np.array_equal(whole.event_count, chunked.event_count)


def test_an_event_set_that_never_occurs_gives_years_without_loss() -> None:
    table = simulate_year_losses(np.zeros(3), np.ones((3, 2)), 100, seed=0)
    assert not table.annual.any() and not table.event_count.any()


# VaR, TVaR and return periods


def test_var_and_tvar_of_ten_years_by_hand() -> None:
    annual = np.random.default_rng(0).permutation(np.arange(1.0, 11.0))
    # level 0.8: the tail is the 2 worst years, 9 and 10; VaR the worst year outside it
    assert value_at_risk(annual, 0.8) == 8.0
    assert tail_value_at_risk(annual, 0.8) == 9.5
    assert value_at_risk(annual, 0.5) == 5.0
    assert tail_value_at_risk(annual, 0.5) == 8.0
    assert return_period_loss(annual, 5.0) == 8.0


def test_var_and_tvar_are_per_party_on_a_table() -> None:
    annual = np.column_stack([np.arange(1.0, 11.0), 10.0 * np.arange(10.0, 0.0, -1.0)])
    assert value_at_risk(annual, 0.8) == pytest.approx([8.0, 80.0])
    assert tail_value_at_risk(annual, 0.8) == pytest.approx([9.5, 95.0])


def test_the_tail_holds_the_levels_share_of_the_years_despite_binary_rounding() -> None:
    # 1 − 0.9 is 0.09999999999999998: still 10 of 100 years
    assert tail_years(100, 0.9) == 10
    assert tail_years(100_000, 0.99) == 1_000
    assert tail_years(100_000, 0.995) == 500


def test_a_level_beyond_the_simulated_years_names_the_years_needed() -> None:
    with pytest.raises(ValueError, match=r"found 50 simulated years; expected at least 100"):
        value_at_risk(np.arange(50.0), 0.99)


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 1.5, float("nan")])
def test_a_level_outside_0_1_is_refused(level: float) -> None:
    with pytest.raises(ValueError, match=r"level: found .*; expected a probability in \(0, 1\)"):
        tail_value_at_risk(np.arange(100.0), level)


# stand-alone against pooled capital


def test_capital_stand_alone_and_pooled_by_hand() -> None:
    tvar = capital_comparison(BY_HAND, PARTIES, 0.6, "tvar")
    # worst 2 years: north 10 and 6, south 9 and 5, the pool 11 and 11
    assert tvar.stand_alone == pytest.approx({"north": 8.0, "south": 7.0})
    assert tvar.pooled == pytest.approx(11.0)
    assert tvar.benefit == pytest.approx(4.0)
    assert tvar.benefit_share == pytest.approx(4.0 / 15.0)


def test_var_is_not_subadditive_two_rare_losses_need_capital_only_together() -> None:
    # each party loses 100 in 4 of 100 years, in different years: alone, 95 % of the years
    # are free of loss; pooled, 8 years are not
    annual = np.zeros((100, 2))
    annual[0:4, 0] = annual[4:8, 1] = 100.0
    var = capital_comparison(annual, PARTIES, 0.95, "var")
    assert var.stand_alone == {"north": 0.0, "south": 0.0}
    assert var.pooled == 100.0 and var.benefit == -100.0
    tvar = capital_comparison(annual, PARTIES, 0.95, "tvar")
    assert tvar.benefit == pytest.approx(2 * 80.0 - 100.0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", [0.9, 0.99, 0.995])
def test_pooled_tvar_is_at_most_the_sum_of_stand_alone_tvars(seed: int, level: float) -> None:
    annual = random_year_table(seed)
    pooled = float(tail_value_at_risk(annual.sum(axis=1), level))
    assert pooled <= tail_value_at_risk(annual, level).sum() * (1 + 1e-12)
    comparison = capital_comparison(annual, ("a", "b", "c", "d"), level, "tvar")
    assert comparison.benefit >= -1e-12 * comparison.stand_alone_total


@pytest.mark.parametrize("measure", ["var", "tvar"])
def test_parties_with_identical_losses_gain_nothing_by_pooling(measure: pool.Measure) -> None:
    column = random_year_table(seed=3, parties=1)
    annual = np.hstack([column, column, column])
    comparison = capital_comparison(annual, ("a", "b", "c"), 0.99, measure)
    assert comparison.benefit == pytest.approx(0.0, abs=1e-9 * comparison.pooled)


def test_covered_loss_pays_the_cover_up_to_the_1_in_t_loss() -> None:
    annual = np.arange(1.0, 101.0)
    # the 1-in-10 loss of 1..100 is 90 (10 years above it)
    payouts = covered_loss(annual, cover=0.5, return_period=10.0)
    assert payouts[:90] == pytest.approx(0.5 * annual[:90])
    assert payouts[89:] == pytest.approx(np.full(11, 45.0))


# sharing the pooled reserve


def test_euler_contributions_by_hand() -> None:
    # the pool's two worst years are years 2 and 3: north 2 and 6, south 9 and 5
    assert euler_contributions(BY_HAND, 0.6) == pytest.approx([4.0, 7.0])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("level", [0.9, 0.99])
def test_euler_contributions_add_up_to_the_pooled_tvar(seed: int, level: float) -> None:
    annual = random_year_table(seed)
    contributions = euler_contributions(annual, level)
    pooled = float(tail_value_at_risk(annual.sum(axis=1), level))
    assert contributions.sum() == pytest.approx(pooled, rel=1e-12)


def test_euler_contributions_with_identical_losses_are_the_stand_alone_capital() -> None:
    column = random_year_table(seed=4, parties=1)
    annual = np.hstack([column, column])
    assert euler_contributions(annual, 0.99) == pytest.approx(
        tail_value_at_risk(annual, 0.99), rel=1e-12
    )


def test_co_tvar_allocation_shares_any_capital_in_the_euler_proportions() -> None:
    # Euler gives north 4 and south 7 of the pooled TVaR 11
    assert co_tvar_allocation(BY_HAND, 0.6, 11.0) == pytest.approx([4.0, 7.0])
    assert co_tvar_allocation(BY_HAND, 0.6, 22.0) == pytest.approx([8.0, 14.0])
    assert not co_tvar_allocation(np.zeros((10, 2)), 0.6, 0.0).any()


def test_expected_loss_plus_load_by_hand() -> None:
    # north: mean 3.8, variance 13.76; south: mean 3, variance 12.4; pooled TVaR 11
    load = (11.0 - 6.8) / (math.sqrt(13.76) + math.sqrt(12.4))
    assert risk_load_factor(BY_HAND, 11.0) == pytest.approx(load)
    assert standard_deviation_contributions(BY_HAND, 11.0) == pytest.approx(
        [3.8 + load * math.sqrt(13.76), 3.0 + load * math.sqrt(12.4)]
    )


def test_expected_loss_plus_load_adds_up_to_the_capital_on_random_tables() -> None:
    annual = random_year_table(seed=9)
    capital = float(tail_value_at_risk(annual.sum(axis=1), 0.99))
    assert standard_deviation_contributions(annual, capital).sum() == pytest.approx(capital)


def test_constant_losses_carry_no_risk_load() -> None:
    annual = np.full((100, 2), 3.0)
    assert risk_load_factor(annual, 6.0) == 0.0
    assert standard_deviation_contributions(annual, 6.0) == pytest.approx([3.0, 3.0])


# the capital game, against the negotiation's allocation rules


def test_the_capital_game_by_hand() -> None:
    game = capital_game(BY_HAND, PARTIES, 0.6, "tvar")
    assert game.kind == "cost"
    assert game.value({"north"}) == pytest.approx(8.0)
    assert game.value({"south"}) == pytest.approx(7.0)
    assert game.value({"north", "south"}) == pytest.approx(11.0)
    # Shapley splits the saving of 4 equally; Euler gives the south more (its losses
    # make the pool's worst years), still within the core
    shares = shapley(game).shares
    assert shares == pytest.approx({"north": 6.0, "south": 5.0})
    assert in_core(game, dict(zip(PARTIES, euler_contributions(BY_HAND, 0.6), strict=True)))


@pytest.mark.parametrize("seed", range(3))
def test_the_euler_allocation_lies_in_the_core_of_the_tvar_capital_game(seed: int) -> None:
    annual = random_year_table(seed, parties=5)
    parties = ("a", "b", "c", "d", "e")
    game = capital_game(annual, parties, 0.99, "tvar")
    assert game.complete
    euler = dict(zip(parties, euler_contributions(annual, 0.99), strict=True))
    assert in_core(game, euler)
    comparison = capital_comparison(annual, parties, 0.99, "tvar")
    assert game.value(parties) == comparison.pooled
    assert {p: game.value({p}) for p in parties} == comparison.stand_alone


def test_with_identical_losses_shapley_euler_and_stand_alone_agree() -> None:
    column = random_year_table(seed=5, parties=1)
    annual = np.hstack([column, column, column])
    parties = ("a", "b", "c")
    shares = shapley(capital_game(annual, parties, 0.99, "tvar")).shares
    assert shares is not None
    alone = float(tail_value_at_risk(column[:, 0], 0.99))
    assert list(shares.values()) == pytest.approx([alone] * 3)
    assert euler_contributions(annual, 0.99) == pytest.approx([alone] * 3)


# layer payouts


def test_layer_payout_by_hand() -> None:
    # attachment 10, exhaustion 30, half ceded: nothing up to 10, then half, at most 10
    losses = np.array([5.0, 10.0, 20.0, 30.0, 50.0])
    assert layer_payout(losses, 10.0, 30.0, 0.5) == pytest.approx([0.0, 0.0, 5.0, 10.0, 10.0])


def test_layer_payout_per_party_per_year() -> None:
    annual = np.array([[20.0, 20.0], [40.0, 5.0]])
    payouts = layer_payout(annual, np.array([10.0, 0.0]), np.array([30.0, 10.0]), 1.0)
    assert payouts == pytest.approx(np.array([[10.0, 10.0], [20.0, 5.0]]))


def test_layer_payout_edge_cases() -> None:
    losses = np.array([0.0, 15.0, 1e12])
    # no exhaustion: everything above the attachment
    assert layer_payout(losses, 10.0, math.inf, 0.4) == pytest.approx([0.0, 2.0, 0.4 * (1e12 - 10)])
    # an empty layer and a layer ceding nothing pay nothing
    assert not layer_payout(losses, 10.0, 10.0, 1.0).any()
    assert not layer_payout(losses, 0.0, 100.0, 0.0).any()


@pytest.mark.parametrize(
    ("attachment", "exhaustion", "ceding", "message"),
    [
        (10.0, 5.0, 1.0, r"layer exhaustion: found 5.0 for the attachment 10.0; expected"),
        (-1.0, 5.0, 1.0, r"layer attachment: found -1.0; expected finite amounts ≥ 0"),
        (math.nan, 5.0, 1.0, r"layer attachment: found nan"),
        (0.0, 5.0, 1.5, r"layer ceding: found 1.5; expected a share in \[0, 1\]"),
    ],
)
def test_bad_layer_terms_are_refused(
    attachment: float, exhaustion: float, ceding: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        layer_payout(np.array([1.0]), attachment, exhaustion, ceding)


# the fund's depletion


def test_depletion_with_a_fixed_contribution_by_hand() -> None:
    # two 3-year windows: 5 a year, and 20 in the second year; 2 paid in every year
    payouts = np.array([5.0, 5.0, 5.0, 0.0, 20.0, 0.0])
    rule = FixedContribution(2.0)
    # from 8: 10 − 5, 7 − 5, 4 < 5 dry; 10 − 0, 12 < 20 dry
    assert depletion_probability(payouts, 8.0, rule, horizon=3) == 1.0
    # from 9: 11 − 5, 8 − 5, 5 − 5 paid in full; the second window still runs dry
    assert depletion_probability(payouts, 9.0, rule, horizon=3) == 0.5


def test_depletion_with_a_capped_top_up_by_hand() -> None:
    payouts = np.array([5.0, 5.0, 5.0, 0.0, 20.0, 0.0])
    # to 10, at most 3 a year: 9 + 1 − 5, 5 + 3 − 5, 3 + 3 − 5 paid; 10, 10 < 20 dry
    assert depletion_probability(payouts, 9.0, TopUp(10.0, cap=3.0), horizon=3) == 0.5
    # topped up to the initial fund, without a cap, every year starts at 25
    assert depletion_probability(payouts, 25.0, TopUp(), horizon=3) == 0.0


def test_top_up_contribution() -> None:
    fund = np.array([0.0, 5.0, 12.0])
    assert TopUp(10.0, cap=3.0).contribution(fund, 0.0) == pytest.approx([3.0, 3.0, 0.0])
    assert TopUp().contribution(fund, 10.0) == pytest.approx([10.0, 5.0, 0.0])
    assert FixedContribution(2.0).contribution(fund, 10.0) == pytest.approx([2.0, 2.0, 2.0])


def test_years_beyond_the_last_whole_window_are_left_out() -> None:
    payouts = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 100.0])
    assert depletion_probability(payouts, 5.0, FixedContribution(0.0), horizon=3) == 0.0


@pytest.mark.parametrize("rule", [FixedContribution(1.0), TopUp(cap=2.0)])
def test_depletion_probability_falls_as_the_initial_fund_grows(rule: pool.Replenishment) -> None:
    payouts = random_year_table(seed=2, years=20_000, parties=1)[:, 0]
    funds = np.linspace(0.0, 200.0, 21)
    probabilities = [depletion_probability(payouts, float(f), rule) for f in funds]
    assert all(b <= a for a, b in pairwise(probabilities))
    assert probabilities[0] > probabilities[-1]


def test_depletion_needs_one_whole_window() -> None:
    with pytest.raises(ValueError, match=r"found 5 years; expected at least one window of 10"):
        depletion_probability(np.ones(5), 1.0, FixedContribution(0.0))


# the comparison


def small_settings(**changes: object) -> PoolSettings:
    settings: dict[str, object] = {"years": 20_000, "seed": 3, "return_period": 50.0}
    return PoolSettings(**(settings | changes))  # type: ignore[arg-type]


def test_pool_comparison_shares_the_pooled_reserve_by_both_methods() -> None:
    frequency, losses = heavy_tailed_event_set(seed=1)
    parties = ("a", "b", "c")
    result = pool_comparison(frequency, losses, parties, small_settings(cover=0.8))
    reserve = result.reserve
    assert reserve.measure == "tvar" and reserve.level == pytest.approx(0.98)
    for method in ("expected_loss_plus_load", "euler"):
        assert sum(result.contributions[method].values()) == pytest.approx(reserve.pooled)
    assert list(result.contributions["euler"].values()) == pytest.approx(
        euler_contributions(result.payouts, 0.98), rel=1e-12
    )
    assert reserve.benefit >= 0
    assert result.game is not None
    assert result.game.value(parties) == reserve.pooled
    assert {p: result.game.value({p}) for p in parties} == reserve.stand_alone


def test_a_var_reserve_is_shared_in_the_euler_proportions() -> None:
    frequency, losses = heavy_tailed_event_set(seed=6)
    parties = ("a", "b", "c")
    result = pool_comparison(frequency, losses, parties, small_settings(reserve_measure="var"))
    assert result.reserve.measure == "var"
    euler = result.contributions["euler"]
    assert sum(euler.values()) == pytest.approx(result.reserve.pooled)
    assert list(euler.values()) == pytest.approx(
        co_tvar_allocation(result.payouts, 0.98, result.reserve.pooled)
    )


def test_pool_comparison_pays_the_cover_up_to_each_partys_1_in_t_loss() -> None:
    frequency, losses = heavy_tailed_event_set(seed=2)
    result = pool_comparison(frequency, losses, ("a", "b", "c"), small_settings(cover=0.8))
    cap = return_period_loss(result.table.annual, 50.0)
    assert list(result.exhaustion.values()) == pytest.approx(cap)
    assert result.ceding == 0.8
    assert result.payouts == pytest.approx(0.8 * np.minimum(result.table.annual, cap))
    # alone, each party's reserve is its largest payout, 0.8 of its 1-in-50 loss
    assert list(result.reserve.stand_alone.values()) == pytest.approx(0.8 * cap)
    assert [c.measure for c in result.capital] == ["var", "tvar", "var", "tvar"]
    assert [c.level for c in result.capital] == [0.99, 0.99, 0.995, 0.995]


def test_pool_comparison_reports_the_expected_and_simulated_annual_loss() -> None:
    frequency, losses = heavy_tailed_event_set(seed=3)
    result = pool_comparison(frequency, losses, ("a", "b", "c"), small_settings())
    expected = expected_annual_loss(frequency, losses)
    standard_error = annual_loss_standard_deviation(frequency, losses) / math.sqrt(20_000)
    simulated = np.array(list(result.simulated_annual_loss.values()))
    assert list(result.expected_annual_loss.values()) == pytest.approx(expected)
    assert np.all(np.abs(simulated - expected) <= STANDARD_ERRORS * standard_error)


def test_pool_comparison_with_a_layer_pays_the_layer() -> None:
    frequency, losses = heavy_tailed_event_set(seed=4)
    layer = LayerTerms(attachment={"a": 1e6, "b": 2e6, "c": 0.0}, exhaustion=8e6, ceding=0.5)
    result = pool_comparison(frequency, losses, ("a", "b", "c"), small_settings(layer=layer))
    expected = layer_payout(result.table.annual, np.array([1e6, 2e6, 0.0]), 8e6, 0.5)
    assert result.payouts == pytest.approx(expected)
    assert result.attachment == {"a": 1e6, "b": 2e6, "c": 0.0}
    assert result.payout_frequency["c"] > result.payout_frequency["b"]


def test_pool_comparison_judges_depletion_over_windows_of_the_horizon() -> None:
    frequency, losses = heavy_tailed_event_set(seed=5)
    parties = ("a", "b", "c")
    none = pool_comparison(frequency, losses, parties, small_settings())
    topped = pool_comparison(frequency, losses, parties, small_settings(replenishment=TopUp()))
    assert none.depletion_windows == 2_000
    assert 0.0 < topped.depletion_probability < none.depletion_probability <= 1.0


def test_pool_comparison_builds_no_game_beyond_twelve_parties() -> None:
    rng = np.random.default_rng(0)
    parties = tuple(f"p{i:02d}" for i in range(13))
    result = pool_comparison(
        np.full(20, 0.1), rng.random((20, 13)), parties, small_settings(years=2_000)
    )
    assert result.game is None


# bad inputs


@pytest.mark.parametrize(
    ("frequency", "losses", "message"),
    [
        (np.array([0.1, -0.2]), LOSSES, r"frequency: found -0.2 at \(1,\); expected finite"),
        (FREQUENCY, np.array([[1.0, np.nan], [0.0, 0.0]]), r"losses: found nan at \(0, 1\)"),
        (FREQUENCY, -LOSSES, r"losses: found -10.0 at \(0, 0\); expected finite values ≥ 0"),
        (FREQUENCY, LOSSES[:1], r"losses: found 1 rows for 2 event frequencies"),
        (FREQUENCY, np.array([1.0, 2.0]), r"losses: found shape \(2,\); expected events × parties"),
        (FREQUENCY[:, None], LOSSES, r"frequency: found shape \(2, 1\); expected one per event"),
    ],
)
def test_a_bad_event_loss_table_is_refused(
    frequency: np.ndarray, losses: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_year_losses(frequency, losses, 10, seed=0)


def test_a_party_count_other_than_the_columns_is_refused() -> None:
    with pytest.raises(ValueError, match=r"found 2 columns; expected one per party \(3: a, b, c\)"):
        pool_comparison(FREQUENCY, LOSSES, ("a", "b", "c"), small_settings())


def test_a_party_named_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"parties: 'a' appears twice"):
        pool_comparison(FREQUENCY, LOSSES, ("a", "a"), small_settings())


def test_layer_amounts_must_name_every_party() -> None:
    layer = LayerTerms(attachment={"north": 1.0, "east": 1.0}, exhaustion=5.0)
    with pytest.raises(ValueError, match=r"found amounts for north, east; expected one for each"):
        pool_comparison(FREQUENCY, LOSSES, PARTIES, small_settings(layer=layer))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"years": 0}, r"years: found 0; expected a whole number of years ≥ 1"),
        ({"levels": (0.99, 1.0)}, r"level: found 1.0; expected a probability in \(0, 1\)"),
        ({"return_period": 1.0}, r"return_period: found 1.0; expected a finite number of years"),
        ({"cover": 1.2}, r"cover: found 1.2; expected a share in \[0, 1\]"),
        ({"reserve_measure": "es"}, r"risk measure: found 'es'; expected one of var, tvar"),
        ({"horizon_years": 0}, r"horizon_years: found 0; expected a whole number ≥ 1"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        small_settings(**changes)


def test_bad_replenishment_is_refused() -> None:
    with pytest.raises(ValueError, match=r"fixed contribution amount: found -1.0; expected"):
        FixedContribution(-1.0)
    with pytest.raises(ValueError, match=r"top-up cap: found -2.0; expected an amount ≥ 0"):
        TopUp(cap=-2.0)
