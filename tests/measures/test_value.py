"""Money over time: discount factors, present values, the yearly risk between present and
future, NPV and BCR, against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.measures.value import (
    AppraisalError,
    benefit_cost_ratio,
    discount_factors,
    net_present_value,
    present_value,
    time_weights,
    year_rate_factors,
    yearly_risk,
)


def test_a_constant_rate_discounts_year_t_by_one_plus_r_to_the_t() -> None:
    np.testing.assert_allclose(discount_factors(np.full(4, 0.05)), 1.05 ** -np.arange(4))


def test_a_declining_schedule_discounts_each_year_at_its_own_rate() -> None:
    # 10 % in year 0, then 5 %: D = 1, 1/1.1, 1/(1.1·1.05)
    np.testing.assert_allclose(
        discount_factors(np.array([0.10, 0.05, 0.05])), [1, 1 / 1.1, 1 / (1.1 * 1.05)]
    )


def test_present_value_by_hand() -> None:
    # 100 a year for 3 years at 10 %: 100 + 90.909… + 82.644… = 273.553…
    assert present_value(np.full(3, 100.0), np.full(3, 0.10)) == pytest.approx(
        100 + 100 / 1.1 + 100 / 1.21
    )


def test_the_risk_moves_from_present_to_future_with_the_time_weights() -> None:
    # 5 years, linear: weights 0, .25, .5, .75, 1; quadratic: 0, 1/16, 1/4, 9/16, 1
    np.testing.assert_allclose(time_weights(5), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(time_weights(5, 2.0), [0, 1 / 16, 1 / 4, 9 / 16, 1])
    np.testing.assert_allclose(yearly_risk(10.0, 30.0, time_weights(3)), [10, 20, 30])


def test_npv_and_bcr() -> None:
    assert net_present_value(150.0, 100.0) == 50.0
    assert benefit_cost_ratio(150.0, 100.0) == 1.5
    assert benefit_cost_ratio(5.0, 0.0) == float("inf")
    assert np.isnan(benefit_cost_ratio(0.0, 0.0))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: discount_factors(np.array([0.05, -1.0])), "year 1: -1.0"),
        (lambda: present_value(np.ones(2), np.ones(3) * 0.05), "2 yearly amounts for 3"),
        (lambda: time_weights(0), "0 years"),
        (lambda: time_weights(3, 0.0), "time exponent 0.0"),
    ],
)
def test_bad_settings_are_named(call, message) -> None:
    with pytest.raises(AppraisalError, match=message):
        call()


def test_a_schedule_step_discounts_its_first_year_at_its_own_rate() -> None:
    # 3.5 % for years 0–30 and 3.0 % from year 31, as the Green Book's table
    rates = np.array([0.035] * 31 + [0.03] * 5)
    factors = year_rate_factors(rates)
    assert factors[30] == pytest.approx(1.035**-30)
    assert factors[31] == pytest.approx(1.035**-30 / 1.03)
    np.testing.assert_allclose(year_rate_factors(np.full(4, 0.05)), 1.05 ** -np.arange(4))
